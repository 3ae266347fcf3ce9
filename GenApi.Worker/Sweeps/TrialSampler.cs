using System.Text.Json;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Sweeps;

/// <summary>A finished trial as the samplers learn from it.</summary>
/// <param name="Loss">Its score as a loss (<see cref="SweepMetric.AsLoss"/>); null when it was never scored.</param>
/// <param name="StepReached">The step of that score: a trial stopped early ranks below every trial that went further.</param>
public sealed record TrialOutcome(IReadOnlyDictionary<string, JsonElement> Parameters, double? Loss, int StepReached);

/// <summary>Proposes trial parameters: a pure function of the sweep, the trial's number and (for TPE) the finished trials.</summary>
public static class TrialSampler
{
    /// <summary>Trial <paramref name="number"/>'s parameters by path; null once a grid is exhausted.</summary>
    public static IReadOnlyDictionary<string, JsonElement>? Propose(SweepSpec sweep, int number, IReadOnlyList<TrialOutcome> finished) => sweep.Method switch
    {
        SweepMethod.Grid => Grid(sweep.Parameters, number),
        SweepMethod.Tpe => ParzenSampler.Propose(sweep, number, finished),
        _ => Random(sweep.Parameters, RandomFor(sweep.Seed, number)),
    };

    /// <summary>The trial's own generator: the same sweep seed and number give the same draws, whatever ran before.</summary>
    public static Random RandomFor(long seed, int number) => new((int)((seed * 1_000_003L + number) % int.MaxValue));

    // Mixed-radix counting over the value lists, the last parameter fastest.
    private static Dictionary<string, JsonElement>? Grid(IReadOnlyList<SweepParameter> parameters, int number)
    {
        var result = new Dictionary<string, JsonElement>();
        var rest = number;
        for (var i = parameters.Count - 1; i >= 0; i--)
        {
            var values = parameters[i].Values!;
            result[parameters[i].Path] = values[rest % values.Count];
            rest /= values.Count;
        }
        return rest > 0 ? null : parameters.ToDictionary(p => p.Path, p => result[p.Path]);
    }

    internal static Dictionary<string, JsonElement> Random(IReadOnlyList<SweepParameter> parameters, Random random) =>
        parameters.ToDictionary(p => p.Path, p => Draw(p, random));

    internal static JsonElement Draw(SweepParameter parameter, Random random)
    {
        if (parameter.Values is { } values) return values[random.Next(values.Count)];
        var (low, high) = parameter.Bounds;
        // Integers: each of min…max equally likely.
        if (parameter.Distribution == ParameterDistribution.IntUniform) (low, high) = (low - 0.5, high + 0.4999);
        return parameter.FromInternal(low + random.NextDouble() * (high - low));
    }
}
