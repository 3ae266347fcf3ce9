using GenApi.Worker.Contracts;
using Hangfire;

namespace GenApi.Worker.Jobs;

/// <summary>Puts a stored job on Hangfire's <c>training</c> queue and records that it did.</summary>
public sealed class TrainingQueue(IBackgroundJobClient client, IJobStore store)
{
    public const string Name = "training";

    public async Task EnqueueAsync(string jobId, CancellationToken cancellation = default)
    {
        client.Enqueue<TrainingJob>(Name, job => job.RunAsync(jobId, CancellationToken.None));
        await store.MarkEnqueuedAsync(jobId, cancellation);
    }
}
