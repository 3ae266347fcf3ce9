using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace GenApi.Worker.Datasets;

/// <summary>The datasets GenApi knows by name, whether each is present here, and a cache of loaded ones.</summary>
public sealed class DatasetCatalog(IOptions<DatasetOptions> options)
{
    public const string FashionMnist = "fashion-mnist";
    public const string Synthetic = "synthetic";

    public static IReadOnlyList<string> Names { get; } = [FashionMnist, Synthetic];

    private static readonly string[] FashionMnistFiles = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"];
    private static readonly string[] FashionMnistTestFiles = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    // Datasets are immutable once loaded; keeping them avoids re-reading 60,000 images for every job.
    private readonly ConcurrentDictionary<string, Lazy<ImageDataset>> _loaded = new();

    /// <summary>Null when <paramref name="name"/> can be loaded here, else a sentence saying how to get it.</summary>
    public string? Problem(string name)
    {
        switch (name)
        {
            case Synthetic:
                return null;
            case FashionMnist:
                var folder = options.Value.FashionMnistPath;
                var missing = FashionMnistFiles.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
                return missing.Count == 0
                    ? null
                    : $"Fashion-MNIST is not installed: {string.Join(", ", missing)} not found in {folder}. " +
                      "Install it with 'apt-get install dataset-fashion-mnist', or point Datasets:FashionMnistPath at a folder holding the IDX .gz files.";
            default:
                return $"Unknown dataset '{name}'; expected one of: {string.Join(", ", Names)}.";
        }
    }

    /// <summary>Null when the test split (needed to evaluate) can be loaded, else why not.</summary>
    public string? TestSplitProblem(string name)
    {
        if (Problem(name) is { } problem) return problem;
        if (name != FashionMnist) return null;
        var folder = options.Value.FashionMnistPath;
        var missing = FashionMnistTestFiles.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        return missing.Count == 0 ? null : $"Evaluation needs the Fashion-MNIST test split: {string.Join(", ", missing)} not found in {folder}.";
    }

    /// <summary>The training split (what jobs train on), or with <paramref name="test"/> the held-out split evaluation compares against.</summary>
    public ImageDataset Load(string name, bool test = false)
    {
        if ((test ? TestSplitProblem(name) : Problem(name)) is { } problem) throw new InvalidOperationException(problem);
        return _loaded.GetOrAdd(test ? name + ":test" : name, _ => new Lazy<ImageDataset>(() => name switch
        {
            Synthetic => SyntheticShapes.Create(test ? SyntheticShapes.TestSeed : SyntheticShapes.TrainSeed),
            _ => LoadFashionMnist(test ? FashionMnistTestFiles : FashionMnistFiles),
        })).Value;
    }

    private ImageDataset LoadFashionMnist(string[] files)
    {
        var folder = options.Value.FashionMnistPath;
        var (dims, pixels) = IdxReader.Read(Path.Combine(folder, files[0]));
        var (_, labelBytes) = IdxReader.Read(Path.Combine(folder, files[1]));
        return ImageDataset.FromBytes(FashionMnist, pixels, labelBytes.Select(b => (long)b).ToArray(), dims[0], 1, dims[1], 10);
    }
}
