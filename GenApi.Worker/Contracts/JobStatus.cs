namespace GenApi.Worker.Contracts;

/// <summary>Lifecycle of a training job. queued → running → succeeded | failed | canceled | pruned (a sweep's trial stopped early).</summary>
public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
    /// <summary>A sweep's trial stopped early by its early-stopping rule; it keeps the model it had trained so far.</summary>
    Pruned,
}

public static class JobStatusExtensions
{
    /// <summary>The statuses as they appear on the wire.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<JobStatus>().Select(n => n.ToLowerInvariant()).ToList();

    public static bool IsFinished(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled or JobStatus.Pruned;
}
