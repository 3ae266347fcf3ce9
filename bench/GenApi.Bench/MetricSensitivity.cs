using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Datasets;
using GenApi.Worker.Evaluation;
using GenApi.Worker.Training;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Bench;

/// <summary>
/// What a score means in the domain-classifier feature space: the same metrics as a job's evaluation, for real
/// training images spoiled in small known ways, against the test split. A generator cannot score better than an
/// equally large set of real images with that defect, so these rows say how close to the floor a score can get.
/// </summary>
public static class MetricSensitivity
{
    public static void Run(string dataset, int samples, string dataDirectory)
    {
        var catalog = DatasetCatalog.Create(new DatasetOptions(), dataDirectory);
        var evaluator = new Evaluator(catalog, new ArtifactPaths(dataDirectory),
            new TorchDevice(Options.Create(new WorkerOptions { Device = "cpu" })),
            Options.Create(new EvaluationOptions { Samples = samples }), NullLogger<Evaluator>.Instance,
            GenApi.Worker.Compute.Recovery.UpdateGuards.Silent);
        var (classifier, accuracy) = evaluator.Classifier(dataset);
        var train = catalog.Load(dataset);
        var test = catalog.Load(dataset, test: true);
        var n = (int)Math.Min(samples, Math.Min(test.Count, train.Count / 2));
        using var noGrad = no_grad();
        var real = evaluator.FeaturesOf(classifier, test.Images, n);
        // Images the floor did not use: the floor compares the first n training images with the test split.
        var clean = train.Images.narrow(0, n, n);
        var labels = train.Labels.narrow(0, n, n);
        using var random = new Generator(7);
        var firstClassGone = labels.ne(0).nonzero().squeeze(1);
        var defects = new (string Name, Func<Tensor> Images)[]
        {
            ("real training images (no defect)", () => clean),
            ("pixel noise σ = 0.02 (1 % of the range)", () => clean + 0.02 * randn(clean.shape, generator: random)),
            ("pixel noise σ = 0.05", () => clean + 0.05 * randn(clean.shape, generator: random)),
            ("pixel noise σ = 0.1", () => clean + 0.1 * randn(clean.shape, generator: random)),
            ("contrast × 0.9", () => clean * 0.9),
            ("shifted right by 1 pixel", () => clean.roll(1, 3)),
            ("3×3 box blur", () => avg_pool2d(clean, 3, stride: 1, padding: 1, count_include_pad: false)),
            ("class 0 missing (others fill in)", () => clean.index_select(0, firstClassGone.repeat(2).narrow(0, 0, n))),
        };
        Console.WriteLine($"{dataset}: classifier test accuracy {accuracy:P1}; {n} images per set against the test split");
        Console.WriteLine("| real images with | Fréchet distance | KID | precision | recall | class KL |\n|---|---|---|---|---|---|");
        foreach (var (name, images) in defects)
        {
            using var scope = NewDisposeScope();
            var s = evaluator.Compare(real, evaluator.FeaturesOf(classifier, images().clamp(-1, 1), n), classifier);
            Console.WriteLine($"| {name} | {s.FrechetDistance:0.0} | {s.Kid:0.00} | {s.Precision:0.00} | {s.Recall:0.00} | {s.ClassKl:0.000} |");
        }
    }
}
