using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Rendering;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GenApi.Worker.Hosting;

/// <summary>Composition of the training engine, shared by the API host (embedded mode) and the worker host.</summary>
public static class TrainingEngineExtensions
{
    /// <summary>Options, store, datasets, device, rendering and the training job.</summary>
    public static IHostApplicationBuilder AddTrainingEngine(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Device.StartsWith("cuda", StringComparison.Ordinal) || TorchSharp.torch.cuda.is_available(),
                "Worker:Device asks for CUDA, which is not available: build with -p:TorchBackend=cuda on a GPU host, or set Worker:Device=cpu or auto.")
            .ValidateOnStart();
        services.AddOptions<DatasetOptions>().BindConfiguration(DatasetOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ArtifactPaths(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory));
        services.TryAddSingleton<IJobStore>(sp => new SqliteJobStore(sp.GetRequiredService<ArtifactPaths>().Database, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<DatasetCatalog>();
        services.TryAddSingleton<TorchDevice>();
        services.TryAddSingleton<IPngEncoder, SkiaPngEncoder>();
        services.TryAddSingleton<SampleGrid>();
        services.TryAddSingleton<ModelSampler>();
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<TrainingQueue>();
        services.TryAddTransient<TrainingJob>();
        return builder;
    }

    /// <summary>
    /// Hangfire on in-memory storage (embedded mode). The job store stays the source of truth, so
    /// <see cref="JobRecovery"/> re-enqueues what a restart forgot.
    /// </summary>
    public static IServiceCollection AddEmbeddedQueue(this IServiceCollection services)
    {
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseInMemoryStorage());
        services.AddHostedService<JobRecovery>();
        return services;
    }

    /// <summary>The Hangfire server that runs training jobs: queue <c>training</c>, one worker per device.</summary>
    public static IServiceCollection AddTrainingServer(this IServiceCollection services, int workerCount)
    {
        services.AddHangfireServer(options =>
        {
            options.Queues = [TrainingQueue.Name];
            options.WorkerCount = workerCount;
            options.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            // Long enough to write a checkpoint when the host stops.
            options.ShutdownTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}
