using System.Globalization;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Sweeps;

/// <summary>
/// The early-stopping rules, as pure decisions on the scores a sweep has recorded. A trial decides for itself when it
/// is scored at a checkpoint, against whatever the other trials have recorded at that step so far: nothing waits for a
/// rung to fill, so a free worker is never idle (asynchronous successive halving, Li et al. 2020).
/// </summary>
public static class TrialPruner
{
    /// <summary>Why the trial must stop now, or null to go on.</summary>
    /// <param name="value">This trial's metric at <paramref name="step"/>.</param>
    /// <param name="others">The other trials' metric at the same step.</param>
    public static string? Decide(SweepSpec sweep, int step, int steps, int checkpointEvery, double value, IReadOnlyList<double> others)
    {
        var rule = sweep.EarlyStopping;
        if (step >= steps || step < (rule.MinSteps ?? checkpointEvery)) return null;
        return rule.Type switch
        {
            EarlyStoppingType.Asha => Asha(sweep.Metric, rule, step, steps, checkpointEvery, value, others),
            EarlyStoppingType.Median => Median(sweep.Metric, rule, step, value, others),
            _ => null,
        };
    }

    // At rung k the trial goes on if it ranks in the top max(1, ⌊n/η⌋) of the n trials scored there (itself included);
    // the first trial to reach a rung always goes on. Ties go on.
    private static string? Asha(SweepMetric metric, EarlyStopping rule, int step, int steps, int checkpointEvery, double value, IReadOnlyList<double> others)
    {
        var rungs = rule.Rungs(steps, checkpointEvery);
        var rung = IndexOf(rungs, step);
        if (rung < 0) return null;
        var n = others.Count + 1;
        var keep = Math.Max(1, n / rule.Eta);
        var losses = others.Select(metric.AsLoss).Append(metric.AsLoss(value)).Order().ToList();
        var cutoff = losses[keep - 1];
        if (metric.AsLoss(value) <= cutoff) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"pruned at rung {rung + 1} (step {step}) by asha: {metric.Name} {value:G5} is not in the top 1/{rule.Eta} of the {n} trials scored there ({keep} go on; cut-off {metric.AsLoss(1) * cutoff:G5})");
    }

    private static string? Median(SweepMetric metric, EarlyStopping rule, int step, double value, IReadOnlyList<double> others)
    {
        if (others.Count < rule.StartupTrials) return null;
        var sorted = others.Select(metric.AsLoss).Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        if (metric.AsLoss(value) <= median) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"pruned at step {step} by the median rule: {metric.Name} {value:G5} is worse than the median {metric.AsLoss(1) * median:G5} of the {others.Count} other trials scored there");
    }

    private static int IndexOf(IReadOnlyList<int> rungs, int step)
    {
        for (var i = 0; i < rungs.Count; i++)
            if (rungs[i] == step) return i;
        return -1;
    }
}
