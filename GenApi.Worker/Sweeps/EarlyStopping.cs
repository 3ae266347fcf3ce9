namespace GenApi.Worker.Sweeps;

/// <summary>When a trial is stopped before its last step.</summary>
/// <param name="Eta">ASHA's reduction factor η: the top 1/η of the trials at a rung continue, and rungs are η× apart.</param>
/// <param name="MinSteps">Steps before the first decision (ASHA's first rung); null: the trials' first checkpoint.</param>
/// <param name="StartupTrials">Median rule: decide only once this many other trials have been scored at the step.</param>
/// <param name="RungSamples">Generated images per evaluation before the last step, where trials are compared; null: <c>Evaluation:Samples</c>.
/// The last step's score (the one trials are ranked by at the end) always uses the full number.</param>
public sealed record EarlyStopping(EarlyStoppingType Type = EarlyStoppingType.None, int Eta = 3, int? MinSteps = null, int StartupTrials = 2, int? RungSamples = null)
{
    /// <summary>ASHA's rungs below <paramref name="steps"/>: minSteps·η^k.</summary>
    public IReadOnlyList<int> Rungs(int steps, int checkpointEvery)
    {
        var rungs = new List<int>();
        if (Type != EarlyStoppingType.Asha) return rungs;
        for (long r = MinSteps ?? checkpointEvery; r < steps; r *= Eta) rungs.Add((int)r);
        return rungs;
    }
}

public static class EarlyStoppingTypes
{
    public static IReadOnlyList<string> Names { get; } = ["none", "median", "asha"];
}

public enum EarlyStoppingType
{
    None,
    /// <summary>Stop a trial whose score is worse than the median of the other trials' scores at the same step.</summary>
    Median,
    /// <summary>Asynchronous successive halving: at each rung only the top 1/η of the trials that reached it go on.</summary>
    Asha,
}
