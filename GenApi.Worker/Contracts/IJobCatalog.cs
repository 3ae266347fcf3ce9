namespace GenApi.Worker.Contracts;

/// <summary>What a team asks of its jobs through the API: create, read, list, count, cancel and delete them. One role of <see cref="IJobStore"/>.</summary>
public interface IJobCatalog
{
    /// <summary>Stores a new queued job (and its 'queued' event) and returns it as stored.</summary>
    Task<JobRecord> CreateJobAsync(string id, JobSpec spec, string team = "", WebhookSubscription? webhook = null, CancellationToken cancellation = default);
    /// <summary>The job, if it exists and belongs to <paramref name="team"/> (null: any team, for the engine).</summary>
    Task<JobRecord?> GetJobAsync(string id, string? team = null, CancellationToken cancellation = default);
    /// <summary>A newest-first page of a team's jobs, optionally of one status or one sweep, after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<JobRecord>> ListJobsAsync(string team, JobStatus? status, PageCursor? after, int limit, string? sweepId = null, CancellationToken cancellation = default);
    /// <summary>Jobs of every team per status, for the metrics.</summary>
    Task<IReadOnlyDictionary<JobStatus, int>> CountJobsByStatusAsync(CancellationToken cancellation = default);
    /// <summary>The team's jobs that are queued or running.</summary>
    Task<int> CountActiveJobsAsync(string team, CancellationToken cancellation = default);
    /// <summary>Removes a finished job with its events and metrics; false when unknown, not the team's or not finished.</summary>
    Task<bool> DeleteJobAsync(string id, string team, CancellationToken cancellation = default);
    /// <summary>Cancels a queued job at once, flags a running one; returns the job afterwards, or null if unknown.</summary>
    Task<JobRecord?> RequestCancelAsync(string id, string? team = null, CancellationToken cancellation = default);
}
