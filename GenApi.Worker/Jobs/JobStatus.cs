namespace GenApi.Worker.Jobs;

/// <summary>Lifecycle of a training job. queued → running → succeeded | failed | canceled.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

public static class JobStatusExtensions
{
    /// <summary>The statuses as they appear on the wire.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<JobStatus>().Select(n => n.ToLowerInvariant()).ToList();

    public static bool IsFinished(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;
}
