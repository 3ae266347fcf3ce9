using GenApi.Worker.Contracts;
using GenApi.Worker.Jobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GenApi.Health;

/// <summary>Ready when the job store answers; degraded (still 200) while no worker has been seen alive.</summary>
public sealed class ReadinessCheck(IJobStore store, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<WorkerRecord> workers;
        try
        {
            workers = await store.ListWorkersAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException error)
        {
            return HealthCheckResult.Unhealthy($"job store unreachable: {error.Message}");
        }
        var alive = workers.Count(w => WorkerHeartbeat.IsAlive(w.HeartbeatAt, time.GetUtcNow()));
        return alive > 0
            ? HealthCheckResult.Healthy($"{alive} worker(s) alive")
            : HealthCheckResult.Degraded("no worker alive: jobs will wait in the queue");
    }
}
