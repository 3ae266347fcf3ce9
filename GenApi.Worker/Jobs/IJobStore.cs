namespace GenApi.Worker.Jobs;

/// <summary>
/// Jobs and models, shared by the API and the workers. State changes are conditional updates, so two
/// processes racing on one job (a cancel against a completion, say) cannot both win.
/// </summary>
public interface IJobStore
{
    Task CreateJobAsync(JobRecord job, CancellationToken cancellation = default);
    Task<JobRecord?> GetJobAsync(string id, CancellationToken cancellation = default);
    /// <summary>Ids of jobs left queued or running, oldest first.</summary>
    Task<IReadOnlyList<string>> UnfinishedJobIdsAsync(CancellationToken cancellation = default);

    /// <summary>Moves a queued (or interrupted running) job to running; false when it was canceled or finished meanwhile.</summary>
    Task<bool> TryStartAsync(string id, CancellationToken cancellation = default);
    Task ReportProgressAsync(string id, int step, double lossD, double lossG, double imagesPerSecond, CancellationToken cancellation = default);
    /// <summary>Ends a running job; false when it was not running.</summary>
    Task<bool> FinishAsync(string id, JobStatus status, string? modelId, string? error, CancellationToken cancellation = default);
    /// <summary>Cancels a queued job at once, flags a running one; returns the job afterwards, or null if unknown.</summary>
    Task<JobRecord?> RequestCancelAsync(string id, CancellationToken cancellation = default);

    Task CreateModelAsync(ModelRecord model, CancellationToken cancellation = default);
    Task<ModelRecord?> GetModelAsync(string id, CancellationToken cancellation = default);
}
