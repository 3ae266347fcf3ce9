using System.Collections.Concurrent;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.Options;

namespace GenApi.Worker.Datasets;

/// <summary>The datasets GenApi knows (built-in by name, uploads by id), whether each is present here, and a cache of loaded ones.</summary>
public sealed class DatasetCatalog(IOptions<DatasetOptions> options, UploadedDatasets uploads)
{
    public const string FashionMnist = "fashion-mnist";
    public const string Mnist = "mnist";
    public const string Cifar10 = "cifar10";
    public const string Synthetic = "synthetic";
    public const string SyntheticSequences = Datasets.SyntheticSequences.Name;

    /// <summary>The built-in datasets.</summary>
    public static IReadOnlyList<string> Names { get; } = [FashionMnist, Mnist, Cifar10, Synthetic, SyntheticSequences];

    private static readonly string[] IdxTrain = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"];
    private static readonly string[] IdxTest = ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
    private static readonly string[] CifarTrain = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    private static readonly string[] CifarTest = ["test_batch.bin"];

    /// <summary>A catalog outside a host (benchmarks, tests): uploads live under <paramref name="dataDirectory"/>.</summary>
    public static DatasetCatalog Create(DatasetOptions datasetOptions, string dataDirectory)
    {
        var wrapped = Options.Create(datasetOptions);
        return new DatasetCatalog(wrapped, new UploadedDatasets(new ArtifactPaths(dataDirectory), wrapped, TimeProvider.System));
    }

    // Datasets are immutable once loaded; keeping them avoids re-reading 60,000 images for every job.
    private readonly ConcurrentDictionary<string, Lazy<ImageDataset>> _loaded = new();

    /// <summary>Null when <paramref name="name"/> can be loaded here by <paramref name="team"/>, else a sentence saying why not.</summary>
    public string? Problem(string name, string team = "") => SplitProblem(name, team, test: false);

    // A view is fine when it parses, its base is, and its classes are the base's.
    private string? ViewProblem(string name, string team, bool test)
    {
        if (DatasetView.Parse(name, out var syntax) is not { } view) return syntax;
        if (DatasetView.IsView(view.Base)) return $"'{name}' is a view of a view; name the dataset itself before the first '{DatasetView.Separator}'.";
        return SplitProblem(view.Base, team, test) ?? view.Problem(Describe(view.Base)!);
    }

    /// <summary>Null when the test split (needed to evaluate) can be loaded, else why not.</summary>
    public string? TestSplitProblem(string name, string team = "") => Problem(name, team) ?? SplitProblem(name, team, test: true);

    private static readonly string[] FashionClasses = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"];
    private static readonly string[] DigitClasses = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    private static readonly string[] CifarClasses = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>What a dataset holds, without loading its pixels: image size (sequence length), channels, class names and, for
    /// sequence datasets, their features; null when unknown.</summary>
    public DatasetShape? Describe(string name) => name switch
    {
        _ when DatasetView.IsView(name) => DatasetView.Parse(name, out _) is { } view && !DatasetView.IsView(view.Base) && Describe(view.Base) is { } shape
            && view.Problem(shape) is null ? view.Shape(shape) : null,
        FashionMnist => new(28, 1, FashionClasses),
        Mnist => new(28, 1, DigitClasses),
        Cifar10 => new(Cifar10Reader.Size, 3, CifarClasses),
        Synthetic => new(SyntheticShapes.Size, 1, SyntheticShapes.ClassNames),
        SyntheticSequences => new(Datasets.SyntheticSequences.Steps, 1, Datasets.SyntheticSequences.ClassNames, SequenceValues.Unit(1)),
        _ => uploads.Find(name) is { } upload ? new(upload.Size, upload.Channels, upload.Classes, upload.Sequence) : null,
    };

    /// <summary>
    /// The training split (what jobs train on), or with <paramref name="test"/> the held-out split evaluation compares
    /// against; resized to <paramref name="size"/> when given.
    /// </summary>
    public ImageDataset Load(string name, bool test = false, int? size = null)
    {
        var key = $"{name}:{(test ? "test" : "train")}";
        var data = _loaded.GetOrAdd(key, _ => new Lazy<ImageDataset>(() => Read(name, test).Kept())).Value;
        return size is { } side && side != data.ImageSize
            ? _loaded.GetOrAdd($"{key}:{side}", _ => new Lazy<ImageDataset>(() => data.Resized(side).Kept())).Value
            : data;
    }

    private readonly ConcurrentDictionary<string, Lazy<string>> _hashes = new();

    /// <summary>SHA-256 of the training split as jobs load it (images, then labels, before any resizing): the data a model saw, for
    /// its card. Computed once per dataset.</summary>
    public string ContentHash(string name) => _hashes.GetOrAdd(name, _ => new Lazy<string>(() =>
    {
        var data = Load(name);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var images = data.Images.cpu().contiguous();
        using var labels = data.Labels.cpu().contiguous();
        hash.AppendData(images.bytes);
        hash.AppendData(labels.bytes);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    })).Value;

    /// <summary>Drops a deleted upload from the cache.</summary>
    public void Forget(string name)
    {
        _hashes.TryRemove(name, out _);
        foreach (var key in _loaded.Keys.Where(k => k.StartsWith(name + ":", StringComparison.Ordinal))) _loaded.TryRemove(key, out _);
    }

    private string? SplitProblem(string name, string team, bool test)
    {
        var o = options.Value;
        return name switch
        {
            _ when DatasetView.IsView(name) => ViewProblem(name, team, test),
            Synthetic or SyntheticSequences => null,
            FashionMnist => Missing("Fashion-MNIST", IdxFiles(o.FashionMnistPath, test), test,
                "Install it with 'apt-get install dataset-fashion-mnist', or point Datasets:FashionMnistPath at a folder holding the IDX files."),
            Mnist => Missing("MNIST", IdxFiles(o.MnistPath, test), test,
                "Point Datasets:MnistPath at a folder holding the MNIST IDX files (gzipped or not)."),
            Cifar10 => Missing("CIFAR-10", (test ? CifarTest : CifarTrain).Select(f => Path.Combine(o.Cifar10Path, f)), test,
                "Point Datasets:Cifar10Path at the folder of the binary version's batches (cifar-10-batches-bin)."),
            _ when uploads.Find(name) is { } upload => upload.Team != team ? Unknown(name)
                : test ? $"Uploaded dataset '{name}' has no test split to evaluate against." : null,
            _ => Unknown(name),
        };
    }

    private static string Unknown(string name) =>
        $"Unknown dataset '{name}'; expected one of: {string.Join(", ", Names)}, or the id of a dataset you uploaded (POST /v1/datasets).";

    // Every team reads these words (dataset list, 400s, failed jobs): file names, never the server's folders.
    private static string? Missing(string title, IEnumerable<string> files, bool test, string howTo)
    {
        var missing = files.Where(f => !File.Exists(f)).Select(Path.GetFileName).ToList();
        if (missing.Count == 0) return null;
        var what = test ? $"Evaluation needs the {title} test split" : $"{title} is not installed";
        return $"{what} on this server ({string.Join(", ", missing)} missing). {howTo}";
    }

    // The IDX files as distributed (.gz) or unpacked; the gzipped name is reported when neither exists.
    private static IEnumerable<string> IdxFiles(string folder, bool test) =>
        (test ? IdxTest : IdxTrain).Select(f => Path.Combine(folder, f)).Select(f => File.Exists(f) ? f : f + ".gz");

    private ImageDataset Read(string name, bool test)
    {
        if (DatasetView.IsView(name) && DatasetView.Parse(name, out _) is { } view)
        {
            // The view's team is its base's: the caller checked that it may load it.
            if (ViewProblem(name, uploads.Find(view.Base)?.Team ?? "", test) is { } viewProblem) throw new InvalidOperationException(viewProblem);
            return view.Select(Load(view.Base, test), Describe(view.Base)!, name, test);
        }
        if (SplitProblem(name, uploads.Find(name)?.Team ?? "", test) is { } problem) throw new InvalidOperationException(problem);
        var o = options.Value;
        switch (name)
        {
            case Synthetic:
                return SyntheticShapes.Create(test ? SyntheticShapes.TestSeed : SyntheticShapes.TrainSeed);
            case SyntheticSequences:
                return Datasets.SyntheticSequences.Create(test ? Datasets.SyntheticSequences.TestSeed : Datasets.SyntheticSequences.TrainSeed);
            case FashionMnist:
            case Mnist:
                var files = IdxFiles(name == Mnist ? o.MnistPath : o.FashionMnistPath, test).ToList();
                var (dims, pixels) = IdxReader.Read(files[0]);
                var (_, labelBytes) = IdxReader.Read(files[1]);
                return ImageDataset.FromBytes(name, pixels, labelBytes.Select(b => (long)b).ToArray(), dims[0], 1, dims[1], 10);
            case Cifar10:
                var (rgb, labels) = Cifar10Reader.Read((test ? CifarTest : CifarTrain).Select(f => Path.Combine(o.Cifar10Path, f)).ToList());
                return ImageDataset.FromBytes(name, rgb, labels, labels.Length, 3, Cifar10Reader.Size, 10);
            default:
                return uploads.Load(name);
        }
    }
}
