namespace GenApi.Worker.Contracts;

/// <summary>The processes that train: their heartbeats, their list, and the pruning of those gone silent. One role of <see cref="IJobStore"/>.</summary>
public interface IWorkerRegistry
{
    Task HeartbeatAsync(string workerId, string name, string device, IReadOnlyCollection<string> currentJobs, CancellationToken cancellation = default);
    Task RemoveWorkerAsync(string workerId, CancellationToken cancellation = default);
    Task<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellation = default);
    /// <summary>Deletes workers whose last heartbeat is older than <paramref name="age"/>; how many.</summary>
    Task<int> PruneWorkersAsync(TimeSpan age, CancellationToken cancellation = default);
}
