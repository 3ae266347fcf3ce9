using GenApi.Worker.Models;
using System.Diagnostics;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Evaluation;

public sealed partial class Evaluator
{
    /// <summary>
    /// Scores a translator pair on the test split's images of its two domains: Fréchet distance, KID and precision/recall
    /// of A→B translations against real B, and B→A's Fréchet distance against real A (<see cref="EvaluationScores.ReverseFrechetDistance"/>); the share of A→B translations the classifier assigns to
    /// B's class (<see cref="EvaluationScores.ConditionalAccuracy"/>); and the cycle reconstruction error, mean squared error
    /// per pixel on the [0, 1] scale of both round trips (<see cref="EvaluationScores.ReconstructionError"/>). The floor is
    /// domain B's train split against its test split.
    /// </summary>
    public EvaluationResult EvaluateTranslation(nn.Module<Tensor, Tensor> aToB, nn.Module<Tensor, Tensor> bToA, ModelConfig config, string dataset, int step,
        Action<string>? progress = null, CancellationToken cancellation = default, int? samples = null) =>
        Telemetry.Tracing.Measure("evaluate", WorkerMetrics.EvaluationDuration,
            () => EvaluateTranslators(aToB, bToA, config, dataset, step, progress, cancellation, samples));

    private EvaluationResult EvaluateTranslators(nn.Module<Tensor, Tensor> aToB, nn.Module<Tensor, Tensor> bToA, ModelConfig config, string dataset, int step,
        Action<string>? progress, CancellationToken cancellation, int? samples)
    {
        var domains = config.Domains ?? throw new ArgumentException("Not a translation model.");
        var reference = ReferenceFor(dataset, progress);
        var count = Math.Min(samples ?? Options.Samples, Options.Samples);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var (test, native) = (datasets.Load(dataset, test: true, size: config.ImageSize), datasets.Load(dataset, test: true));
        var train = datasets.Load(dataset);
        var (inputA, inputB) = (Domain(test, domains.ClassA, count), Domain(test, domains.ClassB, count));
        var forward = Translate(aToB, bToA, inputA, reference, domains.ClassB, cancellation);
        var backward = Translate(bToA, aToB, inputB, reference, domains.ClassA, cancellation);
        var realB = FeaturesOf(reference.Classifier, Domain(native, domains.ClassB, count), count);
        var realA = FeaturesOf(reference.Classifier, Domain(native, domains.ClassA, count), count);
        var trainB = FeaturesOf(reference.Classifier, Domain(train, domains.ClassB, count), count);
        var n = (int)forward.Features.shape[0];
        var reverse = SampleMetrics.FrechetDistance(realA, backward.Features);
        var scores = Compare(realB, forward.Features, reference.Classifier) with
        {
            ConditionalAccuracy = forward.Hits / (double)n,
            ReconstructionError = (forward.CycleError + backward.CycleError) / (n + backward.Features.shape[0]),
            ReverseFrechetDistance = reverse,
        };
        var floor = Compare(realB, trainB, reference.Classifier) with { ConditionalAccuracy = reference.Accuracy };
        progress?.Invoke($"evaluated {n} translations {domains.A} → {domains.B} in {clock.Elapsed.TotalSeconds:0.0} s: " +
                         $"FD {scores.FrechetDistance:0.###} (real {domains.B} floor {floor.FrechetDistance:0.###}), KID {scores.Kid:0.####}, " +
                         $"precision {scores.Precision:0.###}, recall {scores.Recall:0.###}, classified as {domains.B} {scores.ConditionalAccuracy:P1}; " +
                         $"{domains.B} → {domains.A}: FD {reverse:0.###}, classified as {domains.A} {backward.Hits / (double)backward.Features.shape[0]:P1}; " +
                         $"cycle reconstruction MSE {scores.ReconstructionError:0.#####}");
        return new EvaluationResult(scores, floor, reference.Accuracy, step);
    }

    // Up to `count` images of one class, in dataset order (deterministic).
    private static Tensor Domain(ImageDataset data, int label, int count)
    {
        var indexes = data.Labels.eq(label).nonzero().flatten();
        return data.Images.index_select(0, indexes.narrow(0, 0, Math.Min(count, indexes.shape[0])));
    }

    private (Tensor Features, long Hits, double CycleError) Translate(nn.Module<Tensor, Tensor> there, nn.Module<Tensor, Tensor> back, Tensor images,
        Reference reference, int targetClass, CancellationToken cancellation)
    {
        using (EvalMode.Of(there, back))
        {
            using var noGrad = no_grad();
            var batches = new List<Tensor>();
            long hits = 0;
            double squaredError = 0;
            for (long start = 0; start < images.shape[0]; start += Options.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                var input = images.narrow(0, start, Math.Min(Options.BatchSize, images.shape[0] - start)).to(device.Device);
                var translated = there.call(input);
                squaredError += ((back.call(translated) - input) / 2).square().flatten(1).mean([1]).sum().item<float>();
                if (translated.shape[2] != reference.ImageSize)
                    translated = nn.functional.interpolate(translated, [reference.ImageSize, reference.ImageSize], mode: InterpolationMode.Bilinear,
                        align_corners: false, antialias: translated.shape[2] > reference.ImageSize);
                var features = reference.Classifier.Features(translated);
                hits += reference.Classifier.Logits(features).argmax(1).eq(targetClass).sum().item<long>();
                batches.Add(features.cpu());
            }
            return (cat(batches), hits, squaredError);
        }
    }
}
