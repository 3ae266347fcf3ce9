namespace GenApi.Worker.Contracts;

/// <summary>
/// Jobs, models, events and workers, shared by the API and every worker. A running job is held under a
/// lease that its worker renews; state changes are conditional updates on status and lease owner, so two
/// processes racing on one job (a lost worker coming back, a cancel against a completion) cannot both win.
/// </summary>
public interface IJobStore
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
    /// <summary>Ids of jobs left queued or running, oldest first.</summary>
    Task<IReadOnlyList<string>> UnfinishedJobIdsAsync(CancellationToken cancellation = default);
    /// <summary>Records that the job was put on the queue.</summary>
    Task MarkEnqueuedAsync(string id, CancellationToken cancellation = default);
    /// <summary>Queued jobs older than <paramref name="age"/> that were never put on the queue (their API died in between).</summary>
    Task<IReadOnlyList<string>> NeverEnqueuedJobIdsAsync(TimeSpan age, CancellationToken cancellation = default);
    /// <summary>Deletes workers whose last heartbeat is older than <paramref name="age"/>; how many.</summary>
    Task<int> PruneWorkersAsync(TimeSpan age, CancellationToken cancellation = default);

    /// <summary>Takes the job for <paramref name="owner"/> if it is queued, or running under an expired lease.</summary>
    Task<JobStart> TryStartAsync(string id, string owner, TimeSpan lease, int maxAttempts, CancellationToken cancellation = default);
    /// <summary>Extends the caller's lease; false when it no longer holds the job.</summary>
    Task<bool> RenewLeaseAsync(string id, string owner, TimeSpan lease, CancellationToken cancellation = default);
    /// <summary>Graceful shutdown: gives the lease (and the attempt) back so the next worker need not wait for it to expire.</summary>
    Task ReleaseLeaseAsync(string id, string owner, CancellationToken cancellation = default);
    /// <summary>Updates the job's progress and appends a metrics point.</summary>
    Task ReportProgressAsync(string id, string owner, int step, double lossD, double lossG, double imagesPerSecond, double learningRate, CancellationToken cancellation = default);
    Task<IReadOnlyList<MetricPoint>> ListMetricsAsync(string jobId, CancellationToken cancellation = default);
    Task AddScoresAsync(string jobId, EvaluationResult evaluation, CancellationToken cancellation = default);
    /// <summary>The job's evaluations, by step.</summary>
    Task<IReadOnlyList<EvaluationResult>> ListScoresAsync(string jobId, CancellationToken cancellation = default);
    /// <summary>Ends a running job held by <paramref name="owner"/>; false when it does not hold it.</summary>
    Task<bool> FinishAsync(string id, string owner, JobStatus status, string? modelId, string? error, CancellationToken cancellation = default);
    /// <summary>Cancels a queued job at once, flags a running one; returns the job afterwards, or null if unknown.</summary>
    Task<JobRecord?> RequestCancelAsync(string id, string? team = null, CancellationToken cancellation = default);

    /// <summary>Appends an event (and, in the same transaction, the webhook delivery it calls for).</summary>
    /// <summary>Counts one update that was recomputed because its first try was not finite (while <paramref name="owner"/> holds the lease).</summary>
    Task AddRecoveredUpdateAsync(string id, string owner, CancellationToken cancellation = default);

    Task AddEventAsync(string jobId, string kind, string message, CancellationToken cancellation = default);
    /// <summary>Events with ids above <paramref name="after"/>, oldest first.</summary>
    Task<IReadOnlyList<JobEvent>> ListEventsAsync(string jobId, long after = 0, int limit = 1000, CancellationToken cancellation = default);
    /// <summary>Events of every job after <paramref name="after"/>, oldest first: what the live-event feed polls.</summary>
    Task<IReadOnlyList<JobEvent>> ListAllEventsAsync(long after, int limit, CancellationToken cancellation = default);
    Task<long> LastEventIdAsync(CancellationToken cancellation = default);

    Task CreateModelAsync(ModelRecord model, CancellationToken cancellation = default);
    Task<ModelRecord?> GetModelAsync(string id, string? team = null, CancellationToken cancellation = default);
    Task<IReadOnlyList<ModelRecord>> ListModelsAsync(string team, PageCursor? after, int limit, CancellationToken cancellation = default);
    Task<bool> DeleteModelAsync(string id, string team, CancellationToken cancellation = default);

    Task HeartbeatAsync(string workerId, string name, string device, IReadOnlyCollection<string> currentJobs, CancellationToken cancellation = default);
    Task RemoveWorkerAsync(string workerId, CancellationToken cancellation = default);
    Task<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellation = default);
}
