using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;

namespace GenApi.Contracts;

/// <summary>
/// How to turn a model into a cheaper one: name at least one method. <c>prune</c> or <c>distill</c> makes the derived
/// generator (not both), which is then stored with <c>quantize</c>'s weight type. The job's result is a new model with
/// <c>parentModelId</c>, these settings and a report measuring it against its parent.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CompressModelRequest
{
    /// <summary>Pruning: zero the smallest weights (<c>magnitude</c>: smaller files, same speed) or remove each layer's weakest filters
    /// (<c>channels</c>: a narrower, faster network).</summary>
    public PruneRequest? Prune { get; init; }

    /// <summary>Distillation into a narrower student trained to draw what the model draws for the same noise and label.</summary>
    public DistillRequest? Distill { get; init; }

    /// <summary>Store the weights as <c>int8</c> (per-channel symmetric), <c>fp16</c> or <c>bf16</c>; sampling dequantizes them at load.</summary>
    /// <example>int8</example>
    [ClosedSet(typeof(CompressionSpec), nameof(CompressionSpec.QuantizeKinds))]
    public string? Quantize { get; init; }

    /// <summary>Score both models on the dataset's test split for the report (Fréchet distance, KID, precision/recall, class KL). The slow
    /// part: with false the report has no quality (nor has it for a dataset without a test split).</summary>
    [DefaultValue(true)]
    public bool? Evaluate { get; init; }
}

/// <summary>Pruning settings.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PruneRequest
{
    /// <summary>Share removed, [0, 1): of the weights (magnitude) or of every layer's channels (channels).</summary>
    /// <example>0.5</example>
    [Required]
    public double? Sparsity { get; init; }

    /// <summary><c>magnitude</c> (unstructured: the smallest |w| become zero) or <c>channels</c> (structured: filters of least L1 norm are removed).</summary>
    [DefaultValue(PruneSpec.Magnitude), ClosedSet(typeof(PruneSpec), nameof(PruneSpec.Methods))]
    public string? Method { get; init; }

    /// <summary>Magnitude pruning: rank all weights together (<c>global</c>) or prune each layer to the sparsity (<c>layer</c>).</summary>
    [DefaultValue(PruneSpec.Global), ClosedSet(typeof(PruneSpec), nameof(PruneSpec.Scopes))]
    public string? Scope { get; init; }

    /// <summary>Steps of fine-tuning by distillation from the model afterwards, 0…100,000 (pruned weights stay zero).</summary>
    [DefaultValue(0)]
    public int? FineTuneSteps { get; init; }
}

/// <summary>Distillation settings.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DistillRequest
{
    /// <summary>The student's <c>baseChannels</c>: at least 1 and below the model's (half of it is ¼ of the convolution work).</summary>
    /// <example>32</example>
    [Required]
    public int? StudentBaseChannels { get; init; }

    /// <summary>Training steps, 1…100,000.</summary>
    [DefaultValue(1000)]
    public int? Steps { get; init; }

    /// <summary>Latents per step, 1…1024.</summary>
    [DefaultValue(64)]
    public int? BatchSize { get; init; }

    /// <summary>Adam's learning rate, (0, 1].</summary>
    [DefaultValue(DistillSpec.DefaultLearningRate)]
    public double? LearningRate { get; init; }

    /// <summary>Pixel term between student and model images: <c>l1</c> or <c>l2</c>.</summary>
    [DefaultValue(DistillSpec.L1), ClosedSet(typeof(DistillSpec), nameof(DistillSpec.PixelLosses))]
    public string? PixelLoss { get; init; }

    /// <summary>Weight of the feature-matching term (squared distance of the dataset classifier's features), 0…100. Default 0.1 where
    /// the dataset has a test split to train its classifier on, else 0.</summary>
    public double? FeatureWeight { get; init; }
}
