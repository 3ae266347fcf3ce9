using GenApi.Worker.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenApi.Worker.Jobs;

/// <summary>
/// Embedded mode keeps Hangfire's queue in memory, so a restart forgets it; the job store does not.
/// At start-up every job still queued or running goes back on the queue (a running one resumes from its
/// last checkpoint).
/// </summary>
public sealed class JobRecovery(IQueueRecovery store, TrainingQueue queue, ILogger<JobRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await store.UnfinishedJobIdsAsync(cancellationToken))
        {
            await queue.EnqueueAsync(id, cancellationToken);
            logger.LogInformation("Re-enqueued unfinished job {JobId} after start-up", id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
