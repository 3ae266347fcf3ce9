using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Evaluation;
using GenApi.Worker.Jobs;
using GenApi.Worker.Rendering;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GenApi.Worker.Hosting;

/// <summary>Composition of the training engine, shared by the API host and the worker host.</summary>
public static class TrainingEngineExtensions
{
    /// <summary>Options, store (migrated at start-up), datasets, device, rendering and the training job.</summary>
    public static IHostApplicationBuilder AddTrainingEngine(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SamplingOptions>().BindConfiguration(SamplingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EvaluationOptions>().BindConfiguration(EvaluationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatasetOptions>().BindConfiguration(DatasetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModelQuotaOptions>().BindConfiguration(ModelQuotaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Device.StartsWith("cuda", StringComparison.Ordinal) || TorchSharp.torch.cuda.is_available(),
                "Worker:Device asks for CUDA, which is not available: build with -p:TorchBackend=cuda on a GPU host, or set Worker:Device=cpu or auto.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ArtifactPaths(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory));
        services.TryAddSingleton(CreateStore);
        services.TryAddSingleton<IJobStore>(sp => sp.GetRequiredService<SqlJobStore>());
        // Its roles, for the classes that need one (the same instance).
        services.TryAddSingleton<IJobCatalog>(sp => sp.GetRequiredService<IJobStore>());
        services.TryAddSingleton<IJobLeases>(sp => sp.GetRequiredService<IJobStore>());
        services.TryAddSingleton<IJobHistory>(sp => sp.GetRequiredService<IJobStore>());
        services.TryAddSingleton<IQueueRecovery>(sp => sp.GetRequiredService<IJobStore>());
        services.TryAddSingleton<IModelCatalog>(sp => sp.GetRequiredService<IJobStore>());
        services.TryAddSingleton<IWorkerRegistry>(sp => sp.GetRequiredService<IJobStore>());
        // First hosted service: the schema must exist before recovery, the queue or the server touch it.
        services.AddHostedService<StoreMigrator>();
        services.TryAddSingleton<UploadedDatasets>();
        services.TryAddSingleton<DatasetCatalog>();
        services.TryAddSingleton<TorchDevice>();
        services.TryAddSingleton<IPngEncoder, SkiaPngEncoder>();
        services.TryAddSingleton<SampleGrid>();
        services.TryAddSingleton<ModelSampler>();
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<ModelPublisher>();
        services.TryAddSingleton<Compression.ModelCompressor>();
        services.TryAddSingleton<Exchange.ModelExporter>();
        services.TryAddSingleton<Exchange.ModelImporter>();
        services.TryAddSingleton<Evaluator>();
        services.TryAddSingleton<IGradientFaults>(NoGradientFaults.Instance);
        services.TryAddSingleton<UpdateGuards>();
        services.TryAddSingleton<IAccessStore>(sp => sp.GetRequiredService<SqlJobStore>());
        services.TryAddSingleton<Sweeps.ISweepStore>(sp => sp.GetRequiredService<SqlJobStore>());
        services.TryAddSingleton<IWebhookOutbox>(sp => sp.GetRequiredService<SqlJobStore>());
        services.TryAddSingleton<TrainingQueue>();
        services.TryAddSingleton<WorkerIdentity>();
        services.TryAddTransient<TrainingJob>();
        return builder;
    }

    /// <summary>
    /// Hangfire's storage. Embedded: in memory, with the job store as the source of truth (<see cref="JobRecovery"/>
    /// re-enqueues what a restart forgot). Distributed: PostgreSQL, long polling (LISTEN/NOTIFY) for sub-second
    /// dispatch, sliding invisibility so a live job is never handed to a second worker.
    /// </summary>
    public static IServiceCollection AddTrainingQueue(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var queue = configuration.GetSection(QueueOptions.Section).Get<QueueOptions>() ?? new QueueOptions();
        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (!storage.IsDistributed)
            {
                config.UseInMemoryStorage();
                return;
            }
            config.UsePostgreSqlStorage(
                options => options.UseNpgsqlConnection(storage.ConnectionString),
                new PostgreSqlStorageOptions
                {
                    SchemaName = HangfireSchemaInstaller.Schema,
                    PrepareSchemaIfNecessary = false, // see HangfireSchemaInstaller
                    EnableLongPolling = true,
                    QueuePollInterval = queue.PollInterval,
                    InvisibilityTimeout = queue.InvisibilityTimeout,
                    UseSlidingInvisibilityTimeout = true,
                });
        });
        services.AddSingleton<DeletedJobRequeue>();
        services.AddHostedService(sp => sp.GetRequiredService<DeletedJobRequeue>());
        if (storage.IsDistributed) services.AddHostedService<HangfireSchemaInstaller>();
        else services.AddHostedService<JobRecovery>();
        return services;
    }

    /// <summary>The Hangfire server that runs training jobs (queue <c>training</c>, one worker per device) and its heartbeat.</summary>
    public static IServiceCollection AddTrainingServer(this IServiceCollection services, int workerCount)
    {
        services.AddHangfireServer(options =>
        {
            options.Queues = [TrainingQueue.Name];
            options.WorkerCount = workerCount;
            options.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            // Long enough for a running job to write its checkpoint when the host stops.
            options.ShutdownTimeout = TimeSpan.FromSeconds(30);
        });
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));
        services.AddHostedService<WorkerHeartbeat>();
        services.AddHostedService<KernelStartupLog>();
        return services;
    }

    private static SqlJobStore CreateStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.IsDistributed)
        {
            var source = NpgsqlDataSource.Create(options.ConnectionString!);
            return new SqlJobStore(source.CreateConnection, SqlDialect.Postgres);
        }
        var database = services.GetRequiredService<ArtifactPaths>().Database;
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, DefaultTimeout = 30 }.ToString();
        return new SqlJobStore(() => new SqliteConnection(connectionString), SqlDialect.Sqlite);
    }
}
