using GenApi.Worker.Jobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GenApi.Worker.Hosting;

/// <summary>Ready while this worker's heartbeat reaches the store: it can take jobs and renew their leases.</summary>
public sealed class WorkerReadiness(WorkerIdentity identity, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var age = time.GetUtcNow() - identity.LastHeartbeat;
        return Task.FromResult(WorkerHeartbeat.IsAlive(identity.LastHeartbeat, time.GetUtcNow()) && age is { } fresh
            ? HealthCheckResult.Healthy($"heartbeat {fresh.TotalSeconds:0.0} s ago; jobs: {identity.CurrentJobs.Count}")
            : HealthCheckResult.Unhealthy(identity.LastHeartbeat is null
                ? "no heartbeat has reached the store yet"
                : $"the last heartbeat reached the store {age!.Value.TotalSeconds:0} s ago"));
    }
}
