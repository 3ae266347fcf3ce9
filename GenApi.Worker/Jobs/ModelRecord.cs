using GenApi.Worker.Models;

namespace GenApi.Worker.Jobs;

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

    public static string NewId() => $"model_{Guid.NewGuid():N}";
}
