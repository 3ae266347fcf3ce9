namespace GenApi.Worker.Contracts;

/// <summary>Where to POST a job's events, and which kinds (empty: the final ones: succeeded, failed, canceled, pruned).</summary>
public sealed record WebhookSubscription(string Url, IReadOnlyList<string> Events)
{
    public static IReadOnlyList<string> FinalEvents { get; } = ["succeeded", "failed", "canceled", "pruned"];

    /// <summary>Job event kinds a webhook may subscribe to.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["started", "resumed", "checkpoint", "interrupted", "succeeded", "failed", "canceled", "pruned"];

    public bool Wants(string kind) => (Events.Count == 0 ? FinalEvents : Events).Contains(kind);
}
