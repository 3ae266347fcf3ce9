using GenApi.OpenApi;
using GenApi.Worker.Contracts;

namespace GenApi.Contracts;

/// <summary>How a model was compressed, defaults filled in.</summary>
/// <param name="Prune">Pruning, or null.</param>
/// <param name="Distill">Distillation, or null.</param>
/// <param name="Quantize">Stored weight type, or null for fp32.</param>
/// <param name="Evaluate">Whether the report scores both models' quality.</param>
public sealed record CompressionResponse(PruneResponse? Prune, DistillResponse? Distill,
    [property: ClosedSet(typeof(CompressionSpec), nameof(CompressionSpec.QuantizeKinds))] string? Quantize, bool Evaluate)
{
    public static CompressionResponse From(CompressionSpec spec) => new(
        spec.Prune is { } p ? new PruneResponse(p.Sparsity, p.Method, p.Scope, p.FineTuneSteps) : null,
        spec.Distill is { } d ? new DistillResponse(d.StudentBaseChannels, d.Steps, d.BatchSize, d.LearningRate, d.PixelLoss, d.FeatureWeight ?? 0) : null,
        spec.Quantize, spec.Evaluate);
}

/// <summary>Pruning as applied.</summary>
/// <param name="Sparsity">Share of weights or of each layer's channels removed.</param>
/// <param name="Method"><c>magnitude</c> or <c>channels</c>.</param>
/// <param name="Scope"><c>global</c> or <c>layer</c> (magnitude pruning).</param>
/// <param name="FineTuneSteps">Distillation steps after pruning.</param>
public sealed record PruneResponse(double Sparsity, [property: ClosedSet(typeof(PruneSpec), nameof(PruneSpec.Methods))] string Method,
    [property: ClosedSet(typeof(PruneSpec), nameof(PruneSpec.Scopes))] string Scope, int FineTuneSteps);

/// <summary>Distillation as applied.</summary>
/// <param name="StudentBaseChannels">The student's width.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="BatchSize">Latents per step.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="PixelLoss"><c>l1</c> or <c>l2</c>.</param>
/// <param name="FeatureWeight">Weight of the feature-matching term (0: none).</param>
public sealed record DistillResponse(int StudentBaseChannels, int Steps, int BatchSize, double LearningRate,
    [property: ClosedSet(typeof(DistillSpec), nameof(DistillSpec.PixelLosses))] string PixelLoss, double FeatureWeight);

/// <summary>A compressed model measured against its parent, in one run on the worker that made it.</summary>
/// <param name="Parent">The parent's generator as it is sampled (its EMA generator when it has one).</param>
/// <param name="Derived">This model, loaded from its stored files as sampling loads it.</param>
/// <param name="SizeRatio">Parent's file bytes ÷ this model's (4 = four times smaller).</param>
/// <param name="SpeedUp">Parent's latency ÷ this model's (2 = twice as fast).</param>
/// <param name="Fidelity">Mean |G(z) − G_parent(z)| per pixel, images in [-1, 1], over 256 fixed latents (0 = identical).</param>
/// <param name="FidelityBeforeTraining">The same before fine-tuning or distillation; null when the job trained nothing.</param>
/// <param name="Device">Where latency was measured: <c>cpu</c> or <c>cuda</c>.</param>
/// <param name="LatencyRounds">Warm renders of each model, interleaved, behind each median.</param>
public sealed record CompressionReportResponse(ModelFiguresResponse Parent, ModelFiguresResponse Derived, double SizeRatio, double SpeedUp,
    double Fidelity, double? FidelityBeforeTraining, string Device, int LatencyRounds)
{
    public static CompressionReportResponse From(CompressionReport r) => new(ModelFiguresResponse.From(r.Parent), ModelFiguresResponse.From(r.Derived),
        Math.Round(r.Parent.FileBytes / (double)Math.Max(1, r.Derived.FileBytes), 3), Math.Round(r.Parent.LatencyP50Ms / Math.Max(1e-9, r.Derived.LatencyP50Ms), 3),
        r.Fidelity, r.FidelityBeforeTraining, r.Device, r.LatencyRounds);
}

/// <summary>One model's side of a compression report.</summary>
/// <param name="Parameters">Parameters of its generator.</param>
/// <param name="NonZeroParameters">Those not zero.</param>
/// <param name="FlopsPerSample">FLOPs (2 × multiply-adds) of its convolutions and linear layers for one sample, zeros counted as dense kernels do;
/// null for recurrent decoders.</param>
/// <param name="FileBytes">Size of its stored network files (the sampled generator, and a VAE's encoder).</param>
/// <param name="LatencyP50Ms">Median milliseconds to draw a warm 64-sample grid as <c>samples.png?count=64</c> does (forward pass and PNG encoding).</param>
/// <param name="Quality">Scores on the dataset's test split (same evaluator and samples for both); null where the dataset has no test split.</param>
public sealed record ModelFiguresResponse(long Parameters, long NonZeroParameters, long? FlopsPerSample, long FileBytes, double LatencyP50Ms, QualityResponse? Quality)
{
    public static ModelFiguresResponse From(ModelFigures f) => new(f.Cost.Parameters, f.Cost.NonZeroParameters, f.Cost.FlopsPerSample, f.FileBytes,
        Math.Round(f.LatencyP50Ms, 2), f.Scores is { } s ? QualityResponse.From(s) : null);
}

/// <summary>Sample quality in the dataset classifier's feature space (see <c>ScoresResponse</c>).</summary>
/// <param name="FrechetDistance">Fréchet distance to the test split (lower is better).</param>
/// <param name="Kid">Kernel Inception Distance.</param>
/// <param name="Precision">Share of samples inside the real manifold.</param>
/// <param name="Recall">Share of real images inside the samples' manifold.</param>
/// <param name="ClassKl">KL of the predicted class histograms, real ‖ generated.</param>
/// <param name="ConditionalAccuracy">Conditional models: share of samples classified as the class asked for.</param>
public sealed record QualityResponse(double FrechetDistance, double Kid, double Precision, double Recall, double ClassKl, double? ConditionalAccuracy)
{
    public static QualityResponse From(EvaluationScores s) => new(s.FrechetDistance, s.Kid, s.Precision, s.Recall, s.ClassKl, s.ConditionalAccuracy);
}
