namespace GenApi.Worker.Contracts;

/// <summary>Something that happened to a job: queued, started on a worker, resumed, initialized (a fine-tune's weights loaded), checkpoint, retry, finished.</summary>
public sealed record JobEvent(long Id, string JobId, DateTimeOffset At, string Kind, string Message)
{
    /// <summary>Every kind an event can have.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        ["queued", "started", "resumed", "initialized", "checkpoint", "evaluation", "interrupted", "webhook", "succeeded", "failed", "canceled", "pruned", "warning", "compression"];
}
