
namespace GenApi.Worker.Contracts;

/// <summary>A trained generator that can be sampled.</summary>
public sealed record ModelRecord
{
    public required string Id { get; init; }
    public string Team { get; init; } = "";
    public required string JobId { get; init; }
    public required string Family { get; init; }
    public required string Dataset { get; init; }
    public required ModelConfig Config { get; init; }
    public required int Steps { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Where a compressed model comes from and what it cost; null for a trained one.</summary>
    public ModelLineage? Lineage { get; init; }
    /// <summary>An imported or fine-tuned model's source; null for one trained from scratch (or compressed: see <see cref="Lineage"/>).</summary>
    public ModelOrigin? Origin { get; init; }

    /// <summary>The job behind an imported model: none (stored as an empty id).</summary>
    public bool HasJob => JobId.Length > 0;

    public static string NewId() => $"model_{Guid.NewGuid():N}";

    /// <summary>The model a checkpoint is promoted to: the same id every time, so promoting it again finds the model it made.</summary>
    public static string PromotedId(string jobId, int step)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"promote/{jobId}/{step}"));
        return $"model_{Convert.ToHexStringLower(hash, 0, 16)}";
    }
}
