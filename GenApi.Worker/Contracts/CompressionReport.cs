
namespace GenApi.Worker.Contracts;

/// <summary>A compressed model's origin: its parent, how it was made and what it cost.</summary>
public sealed record ModelLineage(string ParentModelId, CompressionSpec Compression, CompressionReport Report);

/// <summary>The parent and the derived model measured side by side, in one run on the same worker.</summary>
/// <param name="Parent">The parent's generator as it is sampled (EMA when it has one).</param>
/// <param name="Derived">The derived generator, loaded from its stored files as sampling loads it.</param>
/// <param name="Fidelity">Mean |G_derived(z) − G_parent(z)| per pixel (images in [-1, 1]) over 256 fixed latents.</param>
/// <param name="FidelityBeforeTraining">The same before fine-tuning or distillation (after pruning; a fresh student when
/// distilling); null when the job trained nothing.</param>
/// <param name="Device">Where latency was measured (the worker's device).</param>
/// <param name="LatencyRounds">Warm renders of each model, interleaved, behind each p50.</param>
public sealed record CompressionReport(ModelFigures Parent, ModelFigures Derived, double Fidelity, double? FidelityBeforeTraining, string Device,
    int LatencyRounds);

/// <summary>One model's side of a <see cref="CompressionReport"/>.</summary>
/// <param name="Cost">Parameters and FLOPs.</param>
/// <param name="FileBytes">Size of its stored network files.</param>
/// <param name="LatencyP50Ms">Median time to draw a warm <c>samples.png?count=64</c> grid (forward pass and PNG encoding).</param>
/// <param name="Scores">Its scores on the dataset's test split (null where the dataset has none).</param>
public sealed record ModelFigures(ModelCost Cost, long FileBytes, double LatencyP50Ms, EvaluationScores? Scores);
