using System.Threading.Channels;
using GenApi.Worker.Contracts;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenApi.Worker.Jobs;

/// <summary>
/// A Hangfire job deleted under a stored job (the dashboard's Delete, when writes are allowed) would leave it
/// queued or running with nothing to run it. This filter sees the deletion in whichever process makes it and puts
/// the job back on the queue with an event that says why; a job that was asked to cancel, or has finished, stays
/// as it is. To stop a job, cancel it through the API.
/// </summary>
public sealed class DeletedJobRequeue(IServiceProvider services, ILogger<DeletedJobRequeue> logger) : BackgroundService, IApplyStateFilter
{
    private readonly Channel<string> _deleted = Channel.CreateUnbounded<string>();

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        // Hangfire's filters are process-wide; only deletions in this host's storage are this host's to handle.
        if (context.NewState is not DeletedState || !ReferenceEquals(context.Storage, services.GetService<JobStorage>())) return;
        if (context.BackgroundJob.Job is { } job && job.Type == typeof(TrainingJob) && job.Args.FirstOrDefault() is string id)
            _deleted.Writer.TryWrite(id); // handled outside Hangfire's state transaction, which must not enqueue
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        GlobalJobFilters.Filters.Add(this);
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        GlobalJobFilters.Filters.Remove(this);
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = services.GetRequiredService<IJobStore>();
        var queue = services.GetRequiredService<TrainingQueue>();
        await foreach (var id in _deleted.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await Transient.RetryAsync(() => RequeueAsync(store, queue, id, stoppingToken), logger, "Re-enqueueing a job whose Hangfire job was deleted",
                    TimeSpan.FromMinutes(2), stoppingToken);
            }
            catch (System.Data.Common.DbException error)
            {
                logger.LogError("Job {JobId} lost its Hangfire job and the store stayed unreachable ({Error}); cancel and resubmit it, or restart an embedded API", id, error.Message);
            }
        }
    }

    private async Task RequeueAsync(IJobStore store, TrainingQueue queue, string id, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, cancellation: cancellation) is not { } job || job.Status.IsFinished() || job.CancelRequested) return;
        await queue.EnqueueAsync(id, cancellation);
        await store.AddEventAsync(id, "queued",
            "put back on the queue: its Hangfire job was deleted from the dashboard (cancel a job through the API to stop it)", cancellation);
        logger.LogWarning("Job {JobId} re-enqueued: its Hangfire job was deleted", id);
    }
}
