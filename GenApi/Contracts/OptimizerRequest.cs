using System.ComponentModel;
using System.Text.Json.Serialization;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;

namespace GenApi.Contracts;

/// <summary>
/// One network's optimizer. Absent fields take the family's default (the OptimizerRequest schema lists them, from the registry) or PyTorch's.
/// A field that the chosen type does not have (e.g. <c>momentum</c> with <c>adam</c>) is an error.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OptimizerRequest
{
    /// <summary><c>sgd</c>, <c>adam</c>, <c>adamw</c>, <c>rmsprop</c> or <c>adagrad</c>.</summary>
    /// <example>adam</example>
    [DefaultValue("adam"), ClosedSet(typeof(OptimizerSettings), nameof(OptimizerSettings.Types))]
    public string? Type { get; init; }

    /// <summary>Base learning rate η0, (0, 10]; the schedule and <c>lrScaling</c> act on it.</summary>
    /// <example>0.0002</example>
    public double? Lr { get; init; }

    /// <summary>Adam/AdamW β1, [0, 1).</summary>
    /// <example>0.5</example>
    public double? Beta1 { get; init; }

    /// <summary>Adam/AdamW β2, [0, 1).</summary>
    /// <example>0.999</example>
    public double? Beta2 { get; init; }

    /// <summary>Numerical ε of Adam, AdamW, RMSprop and AdaGrad, (0, 1).</summary>
    public double? Eps { get; init; }

    /// <summary>Momentum of SGD and RMSprop, [0, 1); default 0.</summary>
    public double? Momentum { get; init; }

    /// <summary>Nesterov momentum (SGD with momentum &gt; 0).</summary>
    public bool? Nesterov { get; init; }

    /// <summary>Weight decay, ≥ 0 (decoupled in AdamW, an L2 gradient term otherwise); default 0.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>RMSprop's smoothing constant α, (0, 1); default 0.99.</summary>
    public double? Alpha { get; init; }

    /// <summary>The settings as the job runs them, every field filled in (those of other types left out).</summary>
    public static OptimizerRequest From(OptimizerSettings s) => new()
    {
        Type = s.Type, Lr = s.LearningRate,
        Beta1 = s.Type is OptimizerSettings.Adam or OptimizerSettings.AdamW ? s.Beta1 : null,
        Beta2 = s.Type is OptimizerSettings.Adam or OptimizerSettings.AdamW ? s.Beta2 : null,
        Eps = s.Type == OptimizerSettings.Sgd ? null : s.Eps,
        Momentum = s.Type is OptimizerSettings.Sgd or OptimizerSettings.RmsProp ? s.Momentum : null,
        Nesterov = s.Type == OptimizerSettings.Sgd ? s.Nesterov : null,
        WeightDecay = s.WeightDecay,
        Alpha = s.Type == OptimizerSettings.RmsProp ? s.Alpha : null,
    };
}
