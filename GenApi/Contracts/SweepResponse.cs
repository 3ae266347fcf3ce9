using System.Text.Json;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Sweeps;

namespace GenApi.Contracts;

/// <summary>A sweep, where it stands, and its leaderboard.</summary>
/// <param name="Id">Sweep id, e.g. <c>sweep_3f2a…</c>.</param>
/// <param name="Status">running, succeeded (every trial ended; at least one was scored), failed (no trial was scored) or canceled.</param>
/// <param name="CreatedAt">When the sweep was accepted.</param>
/// <param name="FinishedAt">When it reached a final status.</param>
/// <param name="Error">Why it failed or was canceled.</param>
/// <param name="Method">How trials are proposed.</param>
/// <param name="Metric">What trials are ranked by.</param>
/// <param name="EarlyStopping">The early-stopping rule, defaults filled in, with ASHA's rungs.</param>
/// <param name="MaxTrials">Trials the sweep runs.</param>
/// <param name="MaxParallel">Trials at once; null: as many as there are live workers.</param>
/// <param name="Seed">The seed proposals derive from.</param>
/// <param name="Trials">How many trials are in each status.</param>
/// <param name="Best">The best trial so far (by its latest score); null until a trial is scored.</param>
/// <param name="Leaderboard">Every trial, best first; trials not yet scored last, by number.</param>
public sealed record SweepResponse(
    string Id,
    [property: ClosedSet(typeof(SweepResponse), nameof(SweepResponse.Statuses))] string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    [property: ClosedSet(typeof(SweepMethods), nameof(SweepMethods.Names))] string Method,
    SweepMetricResponse Metric,
    EarlyStoppingResponse EarlyStopping,
    int MaxTrials,
    int? MaxParallel,
    long Seed,
    TrialCountsResponse Trials,
    TrialResponse? Best,
    IReadOnlyList<TrialResponse> Leaderboard)
{
    public static IReadOnlyList<string> Statuses { get; } = Enum.GetNames<SweepStatus>().Select(n => n.ToLowerInvariant()).ToList();

    public static SweepResponse From(SweepRecord sweep, IReadOnlyList<TrialScores> trials, DateTimeOffset now)
    {
        var spec = sweep.Spec;
        var board = TrialScores.Ranked(trials, spec.Metric).Select(t => TrialResponse.From(t, now)).ToList();
        int Count(JobStatus status) => trials.Count(t => t.Trial.Status == status);
        var (steps, checkpointEvery) = (spec.Steps, spec.CheckpointEvery);
        var stopping = spec.EarlyStopping;
        return new SweepResponse(sweep.Id, sweep.Status.ToString().ToLowerInvariant(), sweep.CreatedAt, sweep.FinishedAt, sweep.Error,
            SweepMethods.Names[(int)spec.Method], new SweepMetricResponse(spec.Metric.Name, SweepGoals.Names[(int)spec.Metric.Goal]),
            new EarlyStoppingResponse(EarlyStoppingTypes.Names[(int)stopping.Type], stopping.Eta, stopping.MinSteps ?? checkpointEvery, stopping.StartupTrials,
                stopping.Rungs(steps, checkpointEvery), stopping.RungSamples),
            spec.MaxTrials, spec.MaxParallel, spec.Seed,
            new TrialCountsResponse(Count(JobStatus.Queued), Count(JobStatus.Running), Count(JobStatus.Succeeded), Count(JobStatus.Pruned), Count(JobStatus.Failed), Count(JobStatus.Canceled)),
            board.FirstOrDefault(t => t.Score is not null), board);
    }
}

/// <summary>The metric trials are ranked by.</summary>
/// <param name="Name">The score's name.</param>
/// <param name="Goal">minimize or maximize.</param>
public sealed record SweepMetricResponse(
    [property: ClosedSet(typeof(SweepMetric), nameof(SweepMetric.Names))] string Name,
    [property: ClosedSet(typeof(SweepGoals), nameof(SweepGoals.Names))] string Goal);

/// <summary>The early-stopping rule as applied.</summary>
/// <param name="Type">none, median or asha.</param>
/// <param name="Eta">ASHA's reduction factor.</param>
/// <param name="MinSteps">No decision before this step.</param>
/// <param name="StartupTrials">Median rule: other trials needed at a step before it decides.</param>
/// <param name="Rungs">ASHA: the steps at which trials are compared; empty for the other rules.</param>
/// <param name="RungSamples">Images per evaluation before the last step; null: <c>Evaluation:Samples</c>.</param>
public sealed record EarlyStoppingResponse(
    [property: ClosedSet(typeof(EarlyStoppingTypes), nameof(EarlyStoppingTypes.Names))] string Type,
    int Eta, int MinSteps, int StartupTrials, IReadOnlyList<int> Rungs, int? RungSamples);

/// <summary>Trials per status.</summary>
public sealed record TrialCountsResponse(int Queued, int Running, int Succeeded, int Pruned, int Failed, int Canceled);

/// <summary>One trial of a sweep: an ordinary job (see <c>/v1/jobs/{jobId}</c>).</summary>
/// <param name="Number">0, 1, …: the order it was proposed in.</param>
/// <param name="JobId">Its job.</param>
/// <param name="Parameters">The values it was given, by parameter path.</param>
/// <param name="Status">The job's status; <c>pruned</c> when early stopping stopped it.</param>
/// <param name="Reason">Why it was pruned (rung, step, score, cut-off), failed or canceled.</param>
/// <param name="Score">Its latest score on the sweep's metric; null until first scored.</param>
/// <param name="ScoredAtStep">The step of that score.</param>
/// <param name="Scores">Its score at every evaluated checkpoint (ASHA's rungs among them).</param>
/// <param name="ImagesPerSecond">Training throughput over its latest report window.</param>
/// <param name="WallSeconds">Seconds from its start to its end (or to now while it runs); null until started.</param>
/// <param name="ModelId">The model it produced (pruned trials keep theirs).</param>
public sealed record TrialResponse(
    int Number, string JobId, IReadOnlyDictionary<string, JsonElement> Parameters,
    JobStatus Status, string? Reason, double? Score, int? ScoredAtStep, IReadOnlyList<TrialScoreResponse> Scores,
    double? ImagesPerSecond, double? WallSeconds, string? ModelId)
{
    public static TrialResponse From(TrialScores scores, DateTimeOffset now)
    {
        var job = scores.Trial;
        var wall = job.StartedAt is { } start ? Math.Round(((job.FinishedAt ?? now) - start).TotalSeconds, 1) : (double?)null;
        return new TrialResponse(job.Trial!.Number, job.Id, job.Trial.Parameters, job.Status, job.Error, scores.Latest?.Value, scores.Latest?.Step,
            scores.Values.Select(v => new TrialScoreResponse(v.Step, v.Value)).ToList(),
            job.ImagesPerSecond is { } ips ? Math.Round(ips, 1) : null, wall, job.ModelId);
    }
}

/// <summary>A trial's metric at one checkpoint.</summary>
public sealed record TrialScoreResponse(int Step, double Value);

/// <summary>The sweep a job is a trial of.</summary>
/// <param name="SweepId">The sweep.</param>
/// <param name="Number">The trial's number in it.</param>
/// <param name="Parameters">The values the sweep gave this trial, by parameter path.</param>
public sealed record JobTrialResponse(string SweepId, int Number, IReadOnlyDictionary<string, JsonElement> Parameters);
