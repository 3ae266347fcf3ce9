using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Sweeps;

namespace GenApi.Contracts;

/// <summary>
/// A hyperparameter search: trials are jobs made from <c>base</c> with <c>parameters</c> written in, scored on
/// <c>metric</c> at every checkpoint (trials always evaluate) and stopped early by <c>earlyStopping</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateSweepRequest
{
    /// <summary>The job every trial starts from: anything <c>POST /v1/jobs</c> accepts, except <c>resumeFrom</c> and <c>initFrom</c>.</summary>
    [Required]
    public CreateJobRequest? Base { get; init; }

    /// <summary>The search space, by job-request field path (<c>learningRate</c>, <c>optimizerG.lr</c>, <c>loss</c>, <c>batchSize</c>,
    /// <c>schedule.type</c>, <c>emaDecay</c>, …): each a list of <c>values</c>, or a range <c>min</c>…<c>max</c> with a <c>distribution</c>.
    /// <c>learningRate</c>, <c>beta1</c> and <c>beta2</c> set both networks' optimizers. <c>model</c>, <c>dataset</c>, <c>steps</c>,
    /// <c>checkpointEvery</c>, <c>evaluate</c>, <c>resumeFrom</c> and <c>initFrom</c> are fixed by the base.</summary>
    [Required]
    public Dictionary<string, SweepParameterRequest>? Parameters { get; init; }

    /// <summary><c>grid</c> (every combination of the values, in order), <c>random</c>, or <c>tpe</c> (Tree-structured Parzen
    /// Estimator: proposes where finished trials scored well; its first third of the budget, 2…10 trials, is random).</summary>
    [DefaultValue("random"), ClosedSet(typeof(SweepMethods), nameof(SweepMethods.Names))]
    public string? Method { get; init; }

    /// <summary>What trials are ranked by. Default: Fréchet distance, minimized.</summary>
    public SweepMetricRequest? Metric { get; init; }

    /// <summary>Stop unpromising trials at checkpoints. Default: none.</summary>
    public EarlyStoppingRequest? EarlyStopping { get; init; }

    /// <summary>Trials to run, 1…500. Default: every combination for <c>grid</c>, else 10.</summary>
    /// <example>9</example>
    public int? MaxTrials { get; init; }

    /// <summary>Trials queued or running at once, 1…64. Default: the number of live worker processes.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>Fixes the proposals: the same body and seed give the same trials in the same order. Random when absent.</summary>
    /// <example>1</example>
    public long? Seed { get; init; }
}

/// <summary>One dimension of the search space: <c>values</c>, or <c>min</c> and <c>max</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SweepParameterRequest
{
    /// <summary>The values to try (strings, numbers or booleans), 1…100 of them.</summary>
    public List<JsonElement>? Values { get; init; }

    /// <summary>Lower end of a range.</summary>
    /// <example>0.0001</example>
    public double? Min { get; init; }

    /// <summary>Upper end of a range.</summary>
    /// <example>0.003</example>
    public double? Max { get; init; }

    /// <summary>How a range is drawn: <c>uniform</c>, <c>log-uniform</c> (for rates and scales; min &gt; 0) or <c>int-uniform</c>.</summary>
    [DefaultValue("uniform"), ClosedSet(typeof(ParameterDistributions), nameof(ParameterDistributions.Names))]
    public string? Distribution { get; init; }
}

/// <summary>The evaluation score trials are ranked by.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SweepMetricRequest
{
    /// <summary><c>frechetDistance</c>, <c>kid</c>, <c>precision</c>, <c>recall</c>, <c>conditionalAccuracy</c> (conditional models)
    /// or <c>reconstructionError</c> (VAEs).</summary>
    [DefaultValue(SweepMetric.FrechetDistance), ClosedSet(typeof(SweepMetric), nameof(SweepMetric.Names))]
    public string? Name { get; init; }

    /// <summary><c>minimize</c> or <c>maximize</c>. Default: the metric's natural direction (maximize precision, recall and
    /// conditional accuracy; minimize the others).</summary>
    [ClosedSet(typeof(SweepGoals), nameof(SweepGoals.Names))]
    public string? Goal { get; init; }
}

/// <summary>When to stop a trial before its last step. A trial decides at its own checkpoints against what the other
/// trials recorded at that step so far: no worker waits for others.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EarlyStoppingRequest
{
    /// <summary><c>none</c>; <c>median</c> (stop a trial worse than the median of the others at the same step); <c>asha</c>
    /// (asynchronous successive halving: at rungs minSteps·η^k only the top 1/η of the trials scored there go on).</summary>
    [DefaultValue("none"), ClosedSet(typeof(EarlyStoppingTypes), nameof(EarlyStoppingTypes.Names))]
    public string? Type { get; init; }

    /// <summary>ASHA's reduction factor η, 2…10.</summary>
    [DefaultValue(3)]
    public int? Eta { get; init; }

    /// <summary>No decision before this step; ASHA's first rung. A multiple of the trials' <c>checkpointEvery</c>, below
    /// <c>steps</c>. Default: the first checkpoint.</summary>
    public int? MinSteps { get; init; }

    /// <summary>Median rule: decide only once this many other trials were scored at the step, 1…100.</summary>
    [DefaultValue(2)]
    public int? StartupTrials { get; init; }

    /// <summary>Generated images per evaluation at checkpoints before the last step, where trials are compared: cheaper
    /// decisions (scores at a step stay comparable between trials). 100…<c>Evaluation:Samples</c>; default <c>Evaluation:Samples</c>.
    /// The last step is always scored with <c>Evaluation:Samples</c>.</summary>
    public int? RungSamples { get; init; }
}
