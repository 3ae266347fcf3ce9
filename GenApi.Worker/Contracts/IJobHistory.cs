namespace GenApi.Worker.Contracts;

/// <summary>What a job leaves behind as it runs, for watchers: its events (the live feed polls them), metrics points and evaluation scores. One role of <see cref="IJobStore"/>.</summary>
public interface IJobHistory
{
    /// <summary>Appends an event (and, in the same transaction, the webhook delivery it calls for).</summary>
    Task AddEventAsync(string jobId, string kind, string message, CancellationToken cancellation = default);
    /// <summary>Events with ids above <paramref name="after"/>, oldest first.</summary>
    Task<IReadOnlyList<JobEvent>> ListEventsAsync(string jobId, long after = 0, int limit = 1000, CancellationToken cancellation = default);
    /// <summary>Events of every job after <paramref name="after"/>, oldest first: what the live-event feed polls.</summary>
    Task<IReadOnlyList<JobEvent>> ListAllEventsAsync(long after, int limit, CancellationToken cancellation = default);
    Task<long> LastEventIdAsync(CancellationToken cancellation = default);
    Task<IReadOnlyList<MetricPoint>> ListMetricsAsync(string jobId, CancellationToken cancellation = default);
    Task AddScoresAsync(string jobId, EvaluationResult evaluation, CancellationToken cancellation = default);
    /// <summary>The job's evaluations, by step.</summary>
    Task<IReadOnlyList<EvaluationResult>> ListScoresAsync(string jobId, CancellationToken cancellation = default);
}
