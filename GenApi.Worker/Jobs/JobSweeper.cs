using GenApi.Worker.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenApi.Worker.Jobs;

/// <summary>
/// In both modes: an API that dies between storing a job and enqueueing it leaves it <c>queued</c> with nothing
/// to run it. The sweeper enqueues such jobs (a duplicate dispatch is harmless: the job store's lease lets one
/// worker run it) and removes workers that stopped heart-beating without saying goodbye (<c>kill -9</c>).
/// </summary>
public sealed class JobSweeper(IJobStore store, TrainingQueue queue, IOptions<QueueOptions> options, TimeProvider time, ILogger<JobSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var id in await store.NeverEnqueuedJobIdsAsync(o.SweepAfter, stoppingToken))
                {
                    await queue.EnqueueAsync(id, stoppingToken);
                    await store.AddEventAsync(id, "queued", "put on the queue by the sweeper (the API that accepted it stopped before enqueueing it)", stoppingToken);
                    logger.LogWarning("Enqueued job {JobId}, stored but never enqueued", id);
                }
                if (await store.PruneWorkersAsync(o.DeadWorkerRetention, stoppingToken) is > 0 and var pruned)
                    logger.LogInformation("Removed {Count} workers silent for over {Retention}", pruned, o.DeadWorkerRetention);
            }
            catch (System.Data.Common.DbException error)
            {
                logger.LogWarning("Job sweep skipped, store unreachable: {Error}", error.Message);
            }
            await Task.Delay(o.SweepInterval, time, stoppingToken);
        }
    }
}
