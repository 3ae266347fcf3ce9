using GenApi.Worker.Contracts;

namespace GenApi.Worker.Sweeps;

/// <summary>A trial's metric at each evaluated step; its latest is what it is ranked by.</summary>
public sealed record TrialScores(JobRecord Trial, IReadOnlyList<(int Step, double Value)> Values)
{
    public (int Step, double Value)? Latest => Values.Count > 0 ? Values[^1] : null;

    /// <summary>Each trial with its scores on <paramref name="metric"/>, in trial order.</summary>
    public static IReadOnlyList<TrialScores> Of(IReadOnlyList<JobRecord> trials, IReadOnlyList<(string JobId, EvaluationResult Evaluation)> scores, SweepMetric metric)
    {
        var byJob = scores.ToLookup(s => s.JobId);
        return trials.Select(t => new TrialScores(t, byJob[t.Id]
            .Select(s => (s.Evaluation.Step, Value: metric.Read(s.Evaluation.Scores)))
            .Where(s => s.Value is not null).Select(s => (s.Step, s.Value!.Value)).OrderBy(s => s.Step).ToList())).ToList();
    }

    /// <summary>What TPE learns from: the finished trials with their latest score as a loss.</summary>
    public TrialOutcome Outcome(SweepMetric metric) =>
        new(Trial.Trial!.Parameters, Latest is { } l ? metric.AsLoss(l.Value) : null, Latest?.Step ?? 0);

    /// <summary>Best first: further trained, then better score; unscored trials last.</summary>
    public static IEnumerable<TrialScores> Ranked(IEnumerable<TrialScores> trials, SweepMetric metric) => trials
        .OrderBy(t => t.Latest is null)
        .ThenByDescending(t => t.Latest?.Step ?? 0)
        .ThenBy(t => t.Latest is { } l ? metric.AsLoss(l.Value) : 0)
        .ThenBy(t => t.Trial.Trial!.Number);
}
