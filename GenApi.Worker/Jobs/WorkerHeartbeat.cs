using GenApi.Worker.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenApi.Worker.Jobs;

/// <summary>Reports this worker, its device and current jobs every few seconds (<c>GET /v1/workers</c>).</summary>
public sealed class WorkerHeartbeat(IWorkerRegistry store, WorkerIdentity identity, TimeProvider time, ILogger<WorkerHeartbeat> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The one rule for a live worker: its latest heartbeat reached the store within three intervals.</summary>
    public static bool IsAlive(DateTimeOffset? heartbeatAt, DateTimeOffset now) => now - heartbeatAt < Interval * 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.HeartbeatAsync(identity.Id, identity.Name, identity.Device, identity.CurrentJobs, stoppingToken);
                identity.LastHeartbeat = time.GetUtcNow();
            }
            catch (System.Data.Common.DbException error)
            {
                logger.LogWarning("Worker heartbeat failed: {Error}", error.Message);
            }
            // Beat on every job change too, so GET /v1/workers shows current jobs without delay.
            await identity.WaitForChangeAsync(Interval, stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.RemoveWorkerAsync(identity.Id, cancellationToken);
        }
        catch (System.Data.Common.DbException error)
        {
            // Its heartbeat simply goes stale; GET /v1/workers shows it as not alive.
            logger.LogWarning("Could not remove the worker record: {Error}", error.Message);
        }
    }
}
