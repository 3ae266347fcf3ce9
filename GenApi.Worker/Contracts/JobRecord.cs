namespace GenApi.Worker.Contracts;

/// <summary>A training job as stored.</summary>
public sealed record JobRecord
{
    public required string Id { get; init; }
    /// <summary>The team that owns it ("" when authentication is off).</summary>
    public string Team { get; init; } = "";
    public WebhookSubscription? Webhook { get; init; }
    public required JobStatus Status { get; init; }
    public required JobSpec Spec { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public int Step { get; init; }
    public double? ImagesPerSecond { get; init; }
    public double? LossD { get; init; }
    public double? LossG { get; init; }
    public string? ModelId { get; init; }
    public string? Error { get; init; }
    public bool CancelRequested { get; init; }
    /// <summary>How many times a worker has started this job (more than one after a restart).</summary>
    public int Attempts { get; init; }
    /// <summary>Updates recomputed because their first try was not finite (a transient kernel fault), over all attempts.</summary>
    public int RecoveredUpdates { get; init; }
    /// <summary>The sweep this job is a trial of, with its number and parameters; null for a job of its own.</summary>
    public TrialInfo? Trial { get; init; }

    public static string NewId() => $"job_{Guid.NewGuid():N}";
}
