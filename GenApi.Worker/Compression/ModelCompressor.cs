using System.Diagnostics;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using GenApi.Worker.Models;
using GenApi.Worker.Rendering;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Compression;

/// <summary>Runs a compression job: makes the derived generator, trains it where asked, stores it, measures it against its parent and publishes it.</summary>
public sealed class ModelCompressor(IJobStore store, ArtifactPaths paths, TorchDevice device, SampleGrid grid, Evaluation.Evaluator evaluator,
    Datasets.DatasetCatalog datasets, ModelPublisher publisher, UpdateGuards guards)
{
    /// <summary>Warm renders of each model behind the latency medians.</summary>
    public const int LatencyRounds = 15;
    private const int LatencySamples = 64;

    /// <param name="progress">(step, pixel term, total loss, images per second) during fine-tuning or distillation.</param>
    /// <param name="note">A line for the job's events.</param>
    /// <param name="recovered">Told of each update recomputed because its first try was not finite.</param>
    public async Task<ModelRecord> CompressAsync(JobRecord job, CompressionSpec spec, Action<int, double, double, double> progress, Action<string> note,
        CancellationToken cancellation, Action<UpdateAttempt>? recovered = null)
    {
        var parent = await store.GetModelAsync(spec.ParentModelId, cancellation: cancellation)
            ?? throw new ArgumentException($"The model to compress, {spec.ParentModelId}, was deleted.");
        // The tensor work runs in one synchronous call: a dispose scope belongs to its thread and must not span an await
        // (disposed on another thread, it corrupted the scopes of whatever ran next on the first one).
        var (config, staging, lineage) = Derive(job, parent, spec, progress, note, cancellation, recovered);
        try
        {
            return await publisher.PublishAsync(job, config, parent.Steps, folder =>
            {
                foreach (var file in Directory.GetFiles(staging)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }, lineage, cancellation: cancellation);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    // Makes, trains, stores and measures the derived generator in the job's staging folder.
    private (ModelConfig Config, string Staging, ModelLineage Lineage) Derive(JobRecord job, ModelRecord parent, CompressionSpec spec,
        Action<int, double, double, double> progress, Action<string> note, CancellationToken cancellation, Action<UpdateAttempt>? recovered)
    {
        var family = ModelFamilies.Get(parent.Family);
        using var scope = NewDisposeScope();
        using var teacher = LoadGenerator(family, parent.Config, paths.ModelFile(parent.Id, parent.Config.Ema ? ArtifactLayout.EmaFile : ArtifactLayout.GeneratorFile));
        var config = DerivedConfig(parent.Config, spec);
        using var student = (ImageGenerator)family.CreateNetwork(config, ArtifactLayout.GeneratorFile);
        if (spec.Distill is null && spec.Prune is { Method: PruneSpec.Channels }) ChannelPruning.Narrow(teacher, student);
        else if (spec.Distill is null) student.load_state_dict(teacher.state_dict());
        student.to(device.Device);
        var masks = spec.Prune is { Method: PruneSpec.Magnitude } prune ? MagnitudePruning.Apply(student, prune.Sparsity, prune.Scope == PruneSpec.Global) : null;
        if (spec.Prune is { } pruned)
            note($"pruned {pruned.Sparsity:P1} ({pruned.Method}{(pruned.Method == PruneSpec.Magnitude ? $", {pruned.Scope}" : "")}): baseChannels {parent.Config.BaseChannels} → {config.BaseChannels}, weight sparsity {MagnitudePruning.Sparsity(student):P2}");

        double? before = null;
        if (spec.TrainingSteps > 0)
        {
            before = Distillation.MeanAbsoluteError(teacher, student, device.Device);
            var distill = spec.Distill ?? new DistillSpec(config.BaseChannels, spec.TrainingSteps, FeatureWeight: 0);
            var clock = Stopwatch.StartNew();
            var lastStep = 0;
            new Distillation(teacher, student, device.Device).Train(spec.TrainingSteps, distill.BatchSize, distill.LearningRate, distill.PixelLoss,
                distill.FeatureWeight ?? 0, distill.FeatureWeight > 0 ? Features(parent) : null, masks,
                (step, pixel, total) =>
                {
                    progress(step, pixel, total, (step - lastStep) * distill.BatchSize / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
                    (lastStep, clock) = (step, Stopwatch.StartNew());
                }, cancellation, guard: guards.Create($"job {job.Id}", attempt => recovered?.Invoke(attempt)));
        }

        // Stored, then measured as sampling will load it.
        var staging = Path.Combine(paths.JobDirectory(job.Id), "compressed");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        WeightCodec.Save(student, Path.Combine(staging, ArtifactLayout.GeneratorFile), spec.Quantize);
        if (family.ModelFiles.Contains(ArtifactLayout.EncoderFile))
        {
            using var encoder = family.CreateNetwork(parent.Config, ArtifactLayout.EncoderFile);
            WeightCodec.Load(encoder, paths.ModelFile(parent.Id, ArtifactLayout.EncoderFile));
            WeightCodec.Save(encoder, Path.Combine(staging, ArtifactLayout.EncoderFile), spec.Quantize);
        }
        using var derived = LoadGenerator(family, config, Path.Combine(staging, ArtifactLayout.GeneratorFile));
        note("measuring the derived model against its parent (size, latency, fidelity, scores)");
        var report = Measure(parent, teacher, derived, staging, before, spec.Evaluate, cancellation);
        note($"derived: {Describe(report.Derived)}; parent: {Describe(report.Parent)}; fidelity {report.Fidelity:0.####}");

        return (config, staging, new ModelLineage(parent.Id, spec, report));
    }

    /// <summary>The derived model's config: the student's width, no EMA (the student is made from the generator that is sampled),
    /// a VAE's encoder kept at its parent's width.</summary>
    public static ModelConfig DerivedConfig(ModelConfig parent, CompressionSpec spec) => parent with
    {
        BaseChannels = spec.StudentBaseChannels(parent.BaseChannels),
        Ema = false,
        EncoderBaseChannels = parent.EncoderBaseChannels ?? parent.BaseChannels,
    };

    private ImageGenerator LoadGenerator(IModelFamily family, ModelConfig config, string file)
    {
        var generator = (ImageGenerator)family.CreateNetwork(config, ArtifactLayout.GeneratorFile);
        WeightCodec.Load(generator, file);
        generator.to(device.Device).eval();
        return generator;
    }

    // The dataset classifier's features of images of the parent's size (resized to the classifier's like the evaluator does),
    // on a private copy: the evaluator's classifier is shared by concurrent evaluations.
    private Func<Tensor, Tensor> Features(ModelRecord parent)
    {
        var shape = datasets.Describe(parent.Dataset) ?? throw new ArgumentException($"Dataset '{parent.Dataset}' no longer exists.");
        var (shared, _) = evaluator.Classifier(parent.Dataset);
        var classifier = new Evaluation.DomainClassifier(shape.Channels, shape.Size, shape.Classes);
        classifier.load_state_dict(shared.state_dict());
        classifier.to(device.Device).eval();
        foreach (var p in classifier.parameters()) p.requires_grad = false;
        return images => classifier.Features(images.shape[2] == shape.Size ? images
            : nn.functional.interpolate(images, [shape.Size, shape.Size], mode: InterpolationMode.Bilinear, align_corners: false));
    }

    private CompressionReport Measure(ModelRecord parent, ImageGenerator teacher, ImageGenerator derived, string staging, double? before, bool evaluate,
        CancellationToken cancellation)
    {
        var (parentTimes, derivedTimes) = (new List<double>(), new List<double>());
        // Interleaved after a warm-up of each, so a slower moment of the machine costs both alike.
        for (var round = -2; round < LatencyRounds; round++)
        {
            cancellation.ThrowIfCancellationRequested();
            var parentMs = RenderMs(teacher, round);
            var derivedMs = RenderMs(derived, round);
            if (round < 0) continue;
            parentTimes.Add(parentMs);
            derivedTimes.Add(derivedMs);
        }
        var testable = evaluate && datasets.TestSplitProblem(parent.Dataset, parent.Team) is null;
        var parentFiles = ModelFamilies.Get(parent.Family).ModelFiles.Select(f => paths.ModelFile(parent.Id, f)).Where(File.Exists)
            .Where(f => Path.GetFileName(f) != (parent.Config.Ema ? ArtifactLayout.GeneratorFile : ArtifactLayout.EmaFile));
        return new CompressionReport(
            new ModelFigures(ModelCosts.Of(teacher), parentFiles.Sum(f => new FileInfo(f).Length), Median(parentTimes),
                testable ? evaluator.Evaluate(teacher, parent.Dataset, parent.Steps, cancellation: cancellation).Scores : null),
            new ModelFigures(ModelCosts.Of(derived), Directory.GetFiles(staging).Sum(f => new FileInfo(f).Length), Median(derivedTimes),
                testable ? evaluator.Evaluate(derived, parent.Dataset, parent.Steps, cancellation: cancellation).Scores : null),
            Distillation.MeanAbsoluteError(teacher, derived, device.Device), before, device.Device.type.ToString().ToLowerInvariant(), LatencyRounds);
    }

    // What GET samples.png?count=64 does once the network is loaded: latents, one forward pass, PNG encoding.
    private double RenderMs(ImageGenerator generator, int round)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var random = new Generator((ulong)(round + 100));
        var z = randn(new long[] { LatencySamples, generator.Config.LatentDim }, generator: random).to(device.Device);
        var labels = generator.Config.Conditional ? arange(LatencySamples, device: device.Device).remainder_(generator.Config.Classes) : null;
        grid.RenderPng(generator.call(z, labels).cpu(), generator.Config);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Describe(ModelFigures figures) =>
        $"{figures.Cost.Parameters:N0} parameters ({figures.Cost.NonZeroParameters:N0} non-zero), {figures.FileBytes:N0} bytes, "
        + $"p50 {figures.LatencyP50Ms:0.0} ms per 64-sample grid{(figures.Scores is { } s ? $", FD {s.FrechetDistance:0.##}" : "")}";
}
