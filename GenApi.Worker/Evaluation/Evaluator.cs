using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Losses;
using GenApi.Worker.Models;
using GenApi.Worker.Telemetry;
using GenApi.Worker.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Evaluation;

/// <summary>
/// Scores generators against a dataset's test split. Per dataset, once: a domain classifier is trained
/// (deterministic seed) and kept as an artifact, and the real-data floor (train split against test split) is
/// computed and kept; later evaluations cost N generated images, their features and the metrics.
/// </summary>
public sealed partial class Evaluator(DatasetCatalog datasets, ArtifactPaths paths, TorchDevice device, IOptions<EvaluationOptions> options, ILogger<Evaluator> logger,
    UpdateGuards guards)
{
    private readonly ConcurrentDictionary<string, Lazy<Reference>> _references = new();
    private EvaluationOptions Options => options.Value;

    /// <summary>Scores <paramref name="generator"/> (set to eval mode while sampling) on N of its samples; a VAE's
    /// <paramref name="encoder"/> adds reconstruction error and ELBO on the test split.</summary>
    /// <param name="samples">N, when fewer than <c>Evaluation:Samples</c> (cheaper checks, e.g. a sweep's early rungs): the real side
    /// is cut to the same N, so the scores stay comparable with each other (not with full-size ones: FD's bias grows as N shrinks).</param>
    public EvaluationResult Evaluate(ImageGenerator generator, string dataset, int step, Action<string>? progress = null, LatentEncoder? encoder = null,
        CancellationToken cancellation = default, int? samples = null) =>
        Telemetry.Tracing.Measure("evaluate", WorkerMetrics.EvaluationDuration,
            () => EvaluateGenerator(generator, dataset, step, progress, encoder, cancellation, samples));

    private EvaluationResult EvaluateGenerator(ImageGenerator generator, string dataset, int step, Action<string>? progress, LatentEncoder? encoder,
        CancellationToken cancellation, int? samples)
    {
        var reference = ReferenceFor(dataset, progress, SequenceLength(generator.Config));
        var count = Math.Min(samples ?? Options.Samples, Options.Samples);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        Tensor fakeFeatures;
        double? conditionalAccuracy = null;
        using (EvalMode.Of(generator))
        {
            using var noGrad = no_grad();
            using var random = new Generator(12345);
            var batches = new List<Tensor>();
            var hits = 0L;
            for (var done = 0; done < count; done += Options.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                var n = Math.Min(Options.BatchSize, count - done);
                var z = randn(new long[] { n, generator.Config.LatentDim }, generator: random).to(device.Device);
                // Conditional models are asked for every class in turn, so the sample is class-balanced.
                var labels = generator.Config.Conditional ? arange(done, done + n, device: device.Device).remainder_(generator.Config.Classes) : null;
                var images = generator.call(z, labels);
                if (images.shape[2] != reference.ImageSize)
                    images = nn.functional.interpolate(images, [reference.ImageSize, reference.ImageSize], mode: InterpolationMode.Bilinear,
                        align_corners: false, antialias: images.shape[2] > reference.ImageSize);
                var features = reference.Classifier.Features(images);
                if (labels is not null) hits += reference.Classifier.Logits(features).argmax(1).eq(labels).sum().item<long>();
                batches.Add(features.cpu());
            }
            fakeFeatures = cat(batches);
            if (generator.Config.Conditional) conditionalAccuracy = hits / (double)count;
        }
        var real = count < reference.TestFeatures.shape[0] ? reference.TestFeatures.narrow(0, 0, count) : reference.TestFeatures;
        var scores = Compare(real, fakeFeatures, reference.Classifier) with { ConditionalAccuracy = conditionalAccuracy };
        var conditional = conditionalAccuracy is { } accuracy ? $", conditional accuracy {accuracy:P1}" : "";
        if (encoder is not null)
        {
            var (error, elbo, kl, active) = ReconstructTestSplit(generator, encoder, dataset);
            scores = scores with { ReconstructionError = error, Elbo = elbo, Kl = kl, ActiveDimensions = active };
            conditional += $", reconstruction MSE {error:0.#####}, ELBO {elbo:0.#} nats, KL {kl:0.##} nats, {active} of {generator.Config.LatentDim} latent dimensions active";
        }
        progress?.Invoke($"evaluated {count} samples in {clock.Elapsed.TotalSeconds:0.0} s: " +
                         $"FD {scores.FrechetDistance:0.###} (real floor {reference.Floor.FrechetDistance:0.###}), KID {scores.Kid:0.####}, " +
                         $"precision {scores.Precision:0.###}, recall {scores.Recall:0.###}, class KL {scores.ClassKl:0.####}{conditional}");
        return new EvaluationResult(scores, reference.Floor, reference.Accuracy, step);
    }

    /// <summary>A latent dimension is active when its posterior mean varies over the data by more than this (Burda et al. 2015):
    /// an inactive one is the same for every input, collapsed onto the prior.</summary>
    public const double ActiveVariance = 0.01;

    // Deterministic: posterior means for the reconstruction, one seeded posterior sample for the ELBO. Sequence data is
    // real-valued: its likelihood is the Gaussian the mse objective implies (σ² = ½); images and image rows are Bernoulli.
    private (double Error, double Elbo, double Kl, int ActiveDimensions) ReconstructTestSplit(ImageGenerator decoder, LatentEncoder encoder, string dataset)
    {
        var config = decoder.Config;
        var test = datasets.Load(dataset, test: true, size: config.ImageSize);
        var n = (int)Math.Min(Options.Samples, test.Count);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using (EvalMode.Of(decoder, encoder))
        {
            using var random = new Generator(54321, device.Device);
            double squaredError = 0, elbo = 0, kl = 0;
            var means = new List<Tensor>();
            for (var start = 0; start < n; start += Options.BatchSize)
            {
                var count = Math.Min(Options.BatchSize, n - start);
                var images = test.Images.narrow(0, start, count).to(device.Device);
                var labels = config.Conditional ? test.Labels.narrow(0, start, count).to(device.Device) : null;
                var (mean, logVariance) = encoder.call(images, labels);
                means.Add(mean.cpu());
                var reconstructed = decoder.call(mean, labels);
                squaredError += ((reconstructed - images) / 2).square().flatten(1).mean([1]).sum().item<float>();
                var z = LatentEncoder.Reparameterize(mean, logVariance, random);
                // log p(x|z) of an autoregressive decoder is the product of its steps given the true past: teacher-forced.
                var sampled = decoder.Decode(z, labels, images);
                var reconstruction = test.Sequences
                    ? (sampled - images).square().flatten(1).sum(1) + 0.5 * Math.Log(Math.PI) * images[0].NumberOfElements
                    : VaeObjective.Reconstruction("bce", sampled, images);
                var klTerm = VaeObjective.Kl(mean, logVariance);
                kl += klTerm.sum().item<float>();
                elbo -= (reconstruction + klTerm).sum().item<float>();
            }
            var active = (int)cat(means).var(0).gt(ActiveVariance).sum().item<long>();
            return (squaredError / n, elbo / n, kl / n, active);
        }
    }

    /// <summary>The dataset's classifier and its test accuracy (trained and saved on first use).</summary>
    public (DomainClassifier Classifier, double Accuracy) Classifier(string dataset)
    {
        var reference = ReferenceFor(dataset, null);
        return (reference.Classifier, reference.Accuracy);
    }

    // Sequence models are compared on windows of their own length; image models on the dataset's images (samples resized).
    private static int? SequenceLength(ModelConfig config) => config.Recurrent?.Values is null ? null : config.ImageSize;

    // Lazy: concurrent first evaluations of a dataset train its classifier once.
    private Reference ReferenceFor(string name, Action<string>? progress, int? sequenceLength = null) =>
        ReferenceOf(Datasets.DatasetView.EvaluationName(name), progress, sequenceLength);

    private Reference ReferenceOf(string dataset, Action<string>? progress, int? sequenceLength) =>
        _references.GetOrAdd(sequenceLength is { } length ? $"{dataset}:{length}" : dataset,
            _ => new Lazy<Reference>(() => BuildReference(dataset, sequenceLength, progress))).Value;

    public EvaluationScores Compare(Tensor real, Tensor fake, DomainClassifier classifier)
    {
        var (kid, kidStd) = SampleMetrics.KernelInceptionDistance(real, fake, subsetSize: Math.Min(1000, (int)Math.Min(real.shape[0], fake.shape[0])));
        var (precision, recall) = SampleMetrics.PrecisionRecall(real, fake);
        using var noGrad = no_grad();
        var classKl = SampleMetrics.ClassKl(ClassHistogram(classifier, real), ClassHistogram(classifier, fake));
        return new EvaluationScores(SampleMetrics.FrechetDistance(real, fake), kid, kidStd, precision, recall, (int)fake.shape[0], classKl);
    }

    private Tensor ClassHistogram(DomainClassifier classifier, Tensor features)
    {
        var logits = classifier.Logits(features.to(device.Device));
        return bincount(logits.argmax(1), minlength: logits.shape[1]).cpu().to(float64);
    }

    private Reference BuildReference(string dataset, int? sequenceLength, Action<string>? progress)
    {
        var train = datasets.Load(dataset, size: sequenceLength);
        var test = datasets.Load(dataset, test: true, size: sequenceLength);
        var folder = Path.Combine(paths.Root, "evaluation", Datasets.DatasetView.FolderName(train.Sequences ? $"{dataset}-{train.ImageSize}steps" : dataset));
        Directory.CreateDirectory(folder);
        var classifier = train.Sequences
            ? DomainClassifier.ForSequences((int)train.Images.shape[3], train.ClassCount)
            : new DomainClassifier(train.Channels, train.ImageSize, train.ClassCount);
        var weights = Path.Combine(folder, "classifier.pt");
        var infoFile = Path.Combine(folder, "classifier.json");
        double accuracy;
        if (File.Exists(weights) && File.Exists(infoFile))
        {
            classifier.load(weights);
            accuracy = JsonSerializer.Deserialize<ClassifierInfo>(File.ReadAllText(infoFile))!.TestAccuracy;
        }
        else
        {
            progress?.Invoke($"training the {dataset} feature classifier (once per dataset)");
            accuracy = ClassifierTraining.Train(classifier, train, test, Options.ClassifierEpochs, device.Device, progress,
                guards.Create($"the {dataset} feature classifier"));
            classifier.save(weights + ".tmp");
            File.Move(weights + ".tmp", weights, overwrite: true);
            AtomicFile.WriteAllBytes(infoFile, JsonSerializer.SerializeToUtf8Bytes(new ClassifierInfo(accuracy)));
            logger.LogInformation("{Dataset} feature classifier: test accuracy {Accuracy:P1}", dataset, accuracy);
        }
        classifier.to(device.Device).eval();
        var n = Options.Samples;
        var testFeatures = FeaturesOf(classifier, test.Images, n);
        var trainFeatures = FeaturesOf(classifier, train.Images, n);
        var floor = Compare(testFeatures, trainFeatures, classifier) with { ConditionalAccuracy = accuracy };
        progress?.Invoke($"real-data floor for {dataset} (train vs test, {n} each): FD {floor.FrechetDistance:0.###}, KID {floor.Kid:0.####}");
        // Kept for the life of the process: owned by no dispose scope of the job that happened to build it.
        foreach (var tensor in classifier.parameters().Concat(classifier.buffers())) tensor.DetachFromDisposeScope();
        return new Reference(classifier, accuracy, testFeatures.DetachFromDisposeScope(), floor, train.ImageSize);
    }

    /// <summary>The classifier's penultimate features of the first <paramref name="count"/> images, in batches, on the CPU.</summary>
    public Tensor FeaturesOf(DomainClassifier classifier, Tensor images, int count)
    {
        using var noGrad = no_grad();
        var take = (int)Math.Min(count, images.shape[0]);
        var batches = new List<Tensor>();
        for (var i = 0; i < take; i += Options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = images.narrow(0, i, Math.Min(Options.BatchSize, take - i)).to(device.Device);
            batches.Add(classifier.Features(batch).cpu().MoveToOuterDisposeScope());
        }
        var all = cat(batches);
        foreach (var b in batches) b.Dispose();
        return all;
    }

    private sealed record ClassifierInfo(double TestAccuracy);

    private sealed record Reference(DomainClassifier Classifier, double Accuracy, Tensor TestFeatures, EvaluationScores Floor, int ImageSize);
}
