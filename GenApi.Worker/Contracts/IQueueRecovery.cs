namespace GenApi.Worker.Contracts;

/// <summary>What start-up and the sweeper ask so that no accepted job is lost: jobs left unfinished, jobs never put on the queue. One role of <see cref="IJobStore"/>.</summary>
public interface IQueueRecovery
{
    /// <summary>Ids of jobs left queued or running, oldest first.</summary>
    Task<IReadOnlyList<string>> UnfinishedJobIdsAsync(CancellationToken cancellation = default);
    /// <summary>Records that the job was put on the queue.</summary>
    Task MarkEnqueuedAsync(string id, CancellationToken cancellation = default);
    /// <summary>Queued jobs older than <paramref name="age"/> that were never put on the queue (their API died in between).</summary>
    Task<IReadOnlyList<string>> NeverEnqueuedJobIdsAsync(TimeSpan age, CancellationToken cancellation = default);
}
