using GenApi.Worker.Compute;
using GenApi.Worker.Hosting;
using GenApi.Worker.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GenApi.Worker;

/// <summary>
/// The worker process: a Hangfire server on queue <c>training</c>, one job per device, for distributed mode. It serves
/// nothing but its own health (<c>Worker:HealthUrls</c>) for orchestrators' probes.
/// </summary>
public static class WorkerProgram
{
    public static int Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (!storage.IsDistributed)
        {
            // The embedded store and in-memory queue belong to the API's own in-process training server.
            Console.Error.WriteLine(
                "GenApi.Worker serves distributed mode: set Storage:Provider=postgres and Storage:ConnectionString " +
                "(the same as the API's). In embedded mode the API trains in-process: run 'dotnet run --project GenApi'.");
            return 2;
        }
        builder.AddTrainingEngine();
        builder.AddGenApiTelemetry("genapi-worker");
        builder.Services.AddTrainingQueue(builder.Configuration);
        var worker = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        builder.Services.AddTrainingServer(worker.WorkerCount);
        builder.Services.AddHealthChecks().AddCheck<WorkerReadiness>("heartbeat", tags: ["ready"]);
        builder.WebHost.UseUrls(worker.HealthUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var app = builder.Build();
        // Liveness: the process answers. Readiness: its heartbeat reaches the store.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.Run();
        return 0;
    }
}
