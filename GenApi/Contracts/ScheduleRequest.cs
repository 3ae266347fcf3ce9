using System.ComponentModel;
using System.Text.Json.Serialization;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;

namespace GenApi.Contracts;

/// <summary>
/// Learning-rate schedule, applied to both networks' base rates η0. A linear warm-up over <c>warmupSteps</c> (W)
/// comes first; then, with t counted from the end of the warm-up and T = steps − W:
/// <c>constant</c> η0; <c>step</c> η0·gamma^⌊t/stepSize⌋; <c>exponential</c> η0·exp(−t/timeConstant);
/// <c>polynomial</c> η0·(1 − t/T)^power; <c>linear</c> from η0 to <c>endLr</c>; <c>cosine</c> from η0 to <c>minLr</c>.
/// With <c>holdFraction</c> h, the first h·T of those steps stay at η0 and the decay runs over the rest.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ScheduleRequest
{
    /// <summary><c>constant</c>, <c>step</c>, <c>exponential</c>, <c>polynomial</c>, <c>linear</c> or <c>cosine</c>.</summary>
    /// <example>cosine</example>
    [DefaultValue("constant"), ClosedSet(typeof(LearningRateSchedule), nameof(LearningRateSchedule.Types))]
    public string? Type { get; init; }

    /// <summary>Steps of linear warm-up from η0/W to η0, 0…steps−1; default 0.</summary>
    /// <example>100</example>
    public int? WarmupSteps { get; init; }

    /// <summary>step: steps between decays, ≥ 1; default 1000.</summary>
    public int? StepSize { get; init; }

    /// <summary>step: factor per decay, (0, 1]; default 0.5.</summary>
    public double? Gamma { get; init; }

    /// <summary>exponential: T in η0·exp(−t/T), &gt; 0; default the decay's length (the rate ends at η0/e).</summary>
    public double? TimeConstant { get; init; }

    /// <summary>polynomial: γ in η0·(1 − t/T)^γ, &gt; 0; default 1.</summary>
    public double? Power { get; init; }

    /// <summary>linear: rate at the last step, ≥ 0; default 0.</summary>
    public double? EndLr { get; init; }

    /// <summary>cosine: rate at the last step, ≥ 0 and below η0; default 0.</summary>
    public double? MinLr { get; init; }

    /// <summary>Share of the steps after the warm-up held at η0 before the decay starts, [0, 1); default 0 (0.5 for cyclegan,
    /// whose paper decays linearly to 0 over the second half).</summary>
    public double? HoldFraction { get; init; }

    /// <summary>The schedule as the job runs it (fields of other types left out).</summary>
    public static ScheduleRequest From(LearningRateSchedule s) => new()
    {
        Type = s.Type, WarmupSteps = s.WarmupSteps,
        StepSize = s.Type == LearningRateSchedule.StepDecay ? s.StepSize : null,
        Gamma = s.Type == LearningRateSchedule.StepDecay ? s.Gamma : null,
        TimeConstant = s.Type == LearningRateSchedule.Exponential ? s.TimeConstant : null,
        Power = s.Type == LearningRateSchedule.Polynomial ? s.Power : null,
        EndLr = s.Type == LearningRateSchedule.Linear ? s.EndLr : null,
        MinLr = s.Type == LearningRateSchedule.Cosine ? s.MinLr : null,
        HoldFraction = s.HoldFraction,
    };
}
