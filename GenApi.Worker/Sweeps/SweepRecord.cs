using System.Text.Json;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Sweeps;

/// <summary>A sweep as stored; its trials are jobs (<see cref="JobRecord.Trial"/>).</summary>
public sealed record SweepRecord
{
    public required string Id { get; init; }
    public string Team { get; init; } = "";
    public required SweepStatus Status { get; init; }
    public required SweepSpec Spec { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Why the sweep failed or was canceled.</summary>
    public string? Error { get; init; }

    public static string NewId() => $"sweep_{Guid.NewGuid():N}";

    /// <summary>Trial <paramref name="number"/>'s job id, the same on every replica and after a restart, so a trial cannot be created twice.</summary>
    public static string TrialJobId(string sweepId, int number)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{sweepId}/{number}"));
        return $"job_{Convert.ToHexStringLower(hash, 0, 16)}";
    }
}

/// <summary>Lifecycle of a sweep: running → succeeded | failed | canceled.</summary>
public enum SweepStatus
{
    Running,
    Succeeded,
    Failed,
    Canceled,
}
