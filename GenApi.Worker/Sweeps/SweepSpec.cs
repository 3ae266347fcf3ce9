using System.Text.Json;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Sweeps;

/// <summary>
/// A hyperparameter search as the engine runs it: a base job request (kept as the caller's JSON, so trials go through
/// the same validation as any job), the space of overrides, how trials are proposed, what they are scored on and
/// when a trial is stopped early.
/// </summary>
public sealed record SweepSpec
{
    /// <summary>The base job request as JSON; each trial is this with its parameters written in.</summary>
    public required string BaseRequest { get; init; }
    public required IReadOnlyList<SweepParameter> Parameters { get; init; }
    public SweepMethod Method { get; init; } = SweepMethod.Random;
    public SweepMetric Metric { get; init; } = new(SweepMetric.FrechetDistance, SweepGoal.Minimize);
    public EarlyStopping EarlyStopping { get; init; } = new();
    public int MaxTrials { get; init; } = 10;
    /// <summary>Trials queued or running at once; null: as many as there are live workers.</summary>
    public int? MaxParallel { get; init; }
    public long Seed { get; init; }
    /// <summary>Every trial's steps and checkpoint interval (the base's: sweeps do not vary them).</summary>
    public int Steps { get; init; }
    public int CheckpointEvery { get; init; }

    /// <summary>Every combination of the parameters' values, in order (the last parameter varies fastest).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int GridSize => Parameters.Aggregate(1, (n, p) => p.Values is { Count: var c } ? checked(n * c) : n);

    /// <summary>What does not fit the base job (already valid on its own): the metric must exist for its family, rungs must fall on checkpoints.</summary>
    public IEnumerable<(string Field, string Message)> Problems(JobSpec baseJob)
    {
        if (!Families.ModelFamilies.Get(baseJob.Model).Metrics.Contains(Metric.Name))
        {
            var producers = Families.ModelFamilies.All.Where(f => f.Metrics.Contains(Metric.Name)).Select(f => f.Name);
            yield return ("metric.name", $"{Metric.Name} is scored for {string.Join(", ", producers)}, not '{baseJob.Model}'.");
        }
        if (Method == SweepMethod.Grid)
            foreach (var p in Parameters.Where(p => p.Values is null))
                yield return ($"parameters.{p.Path}", "grid search needs a list of values; ranges (min/max) need method random or tpe.");
        var (checkpointEvery, steps) = (baseJob.Training.CheckpointEvery, baseJob.Training.Steps);
        if (EarlyStopping.Type != EarlyStoppingType.None && EarlyStopping.MinSteps is { } min)
        {
            if (min % checkpointEvery != 0)
                yield return ("earlyStopping.minSteps", $"minSteps ({min}) must be a multiple of the trials' checkpointEvery ({checkpointEvery}): trials are scored at checkpoints.");
            if (min >= steps)
                yield return ("earlyStopping.minSteps", $"minSteps ({min}) must be below the trials' steps ({steps}).");
        }
        if (EarlyStopping.Type != EarlyStoppingType.None && checkpointEvery >= steps)
            yield return ("base.checkpointEvery", $"early stopping decides at checkpoints before the last step: set checkpointEvery below steps ({steps}).");
    }

    public string Serialize() => JsonSerializer.Serialize(this);

    public static SweepSpec Deserialize(string json) => JsonSerializer.Deserialize<SweepSpec>(json)!;
}

public static class SweepMethods
{
    /// <summary>The methods as they appear on the wire.</summary>
    public static IReadOnlyList<string> Names { get; } = ["grid", "random", "tpe"];
}

/// <summary>How the next trial's parameters are chosen.</summary>
public enum SweepMethod
{
    /// <summary>Every combination of the listed values, in order.</summary>
    Grid,
    /// <summary>Independent draws from each parameter's distribution.</summary>
    Random,
    /// <summary>Tree-structured Parzen Estimator: draws where finished trials scored well (see <see cref="ParzenSampler"/>).</summary>
    Tpe,
}
