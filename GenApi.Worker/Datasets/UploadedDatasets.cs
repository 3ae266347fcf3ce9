using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace GenApi.Worker.Datasets;

/// <summary>
/// Turns a zip of PNG/JPEG images into a stored dataset, and reads stored ones back. The zip is untrusted: entry
/// names, counts, sizes and contents are all checked, and a dataset folder appears only once it is complete.
/// </summary>
public sealed class UploadedDatasets(ArtifactPaths paths, IOptions<DatasetOptions> options, TimeProvider time)
{
    private const string MetadataFile = "dataset.json";
    private const string PixelsFile = "images.bin";
    private const string LabelsFile = "labels.bin";
    private const string SequencesFile = "sequences.bin";
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];
    private readonly ConcurrentDictionary<string, UploadedDataset> _known = new();

    /// <summary>The bytes an upload's images take as stored (3 planes of 64×64 each, whatever their size in the zip).</summary>
    public static long StoredImageBytes(long images) => images * 3 * DatasetOptions.UploadSize * DatasetOptions.UploadSize;

    /// <summary>Reads <paramref name="zip"/> and stores it as <paramref name="team"/>'s dataset; throws <see cref="UploadRejectedException"/>.</summary>
    /// <param name="reserve">Given the bytes the dataset will store before any is allocated; throws to refuse them (the team's quota),
    /// and its reservation is released once the dataset is on disk or refused.</param>
    public UploadedDataset Import(Stream zip, string name, string team, Func<long, IDisposable> reserve)
    {
        var o = options.Value;
        var size = DatasetOptions.UploadSize;
        ZipArchive archive;
        try { archive = new ZipArchive(zip, ZipArchiveMode.Read); }
        catch (InvalidDataException) { throw new UploadRejectedException("The upload is not a zip archive."); }
        using (archive)
        {
            var entries = ReadDirectory(archive);
            foreach (var entry in entries) CheckName(entry.FullName);
            if (entries.Count == 0) throw new UploadRejectedException("The zip holds no images.");
            if (entries.Count > o.MaxImages) throw new UploadRejectedException($"The zip holds {entries.Count} files; at most {o.MaxImages} are allowed.");
            var declared = entries.Sum(e => e.Length);
            if (declared > o.MaxUncompressedBytes)
                throw new UploadRejectedException($"The zip unpacks to {declared} bytes; at most {o.MaxUncompressedBytes} are allowed.");

            var folders = entries.Select(e => Path.GetDirectoryName(e.FullName) ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
            // One folder per class labels the images; images all in one place carry no labels.
            var classes = folders.Count > 1 ? folders.Select(f => Path.GetFileName(f)).ToList() : [];
            if (classes.Contains("")) throw new UploadRejectedException("Some images are in class folders and some are not: put every image in a class folder, or none.");
            if (classes.Distinct().Count() != classes.Count) throw new UploadRejectedException("Two class folders have the same name at different depths.");

            // A 1×1 PNG is stored as 64×64×3: what the upload limit bounds is what is stored, checked before it is allocated.
            var stored = StoredImageBytes(entries.Count);
            if (stored > o.MaxUploadBytes)
                throw new UploadTooLargeException(
                    $"The zip's {entries.Count} images would store {stored:N0} bytes (64×64×3 each); at most {o.MaxUploadBytes:N0} are allowed (Datasets:MaxUploadBytes).");
            using var reservation = reserve(stored);
            var pixels = new byte[stored];
            var labels = new int[entries.Count];
            var grayscale = true;
            long unpacked = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var bytes = ReadBounded(entry, o.MaxUncompressedBytes - unpacked);
                unpacked += bytes.Length;
                using var bitmap = DecodeEntry(entry.FullName, bytes, o.MaxImagePixels, size);
                grayscale &= SquareImage.ToRgbPlanes(bitmap, size, pixels.AsSpan(i * 3 * size * size, 3 * size * size));
                labels[i] = classes.Count == 0 ? 0 : folders.IndexOf(Path.GetDirectoryName(entry.FullName) ?? "");
            }

            var channels = grayscale ? 1 : 3;
            var dataset = new UploadedDataset(UploadedDataset.NewId(), team, name, entries.Count, size, channels, classes, time.GetUtcNow());
            Directory.CreateDirectory(paths.Datasets);
            AtomicFile.WriteDirectory(paths.Dataset(dataset.Id), folder =>
            {
                File.WriteAllBytes(Path.Combine(folder, PixelsFile), channels == 3 ? pixels : RedPlanes(pixels, size * size));
                File.WriteAllBytes(Path.Combine(folder, LabelsFile), System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
                File.WriteAllText(Path.Combine(folder, MetadataFile), JsonSerializer.Serialize(dataset));
            });
            _known[dataset.Id] = dataset;
            return dataset;
        }
    }

    /// <summary>Reads CSV sequences (<see cref="SequenceCsv"/>) and stores them as <paramref name="team"/>'s dataset; throws <see cref="UploadRejectedException"/>.</summary>
    /// <param name="reserve">As for <see cref="Import"/>, given the bytes the values will store.</param>
    public UploadedDataset ImportCsv(TextReader csv, string name, string team, Func<long, IDisposable> reserve)
    {
        var o = options.Value;
        var budget = Math.Min(o.MaxUploadBytes, o.MaxUncompressedBytes);
        var table = SequenceCsv.Parse(csv, new CsvLimits(o.MaxCsvRows, o.MaxCsvColumns, o.MaxImages, MaxValues: budget / sizeof(float)));
        var (steps, features) = (table.Steps, table.Features);
        List<string> classes = table.Labels.All(l => l is null) ? [] : table.Labels.OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 1) throw new UploadRejectedException($"Every sequence has the label '{classes[0]}': labels need at least two classes (or drop the label column).");
        using var reservation = reserve((long)table.Values.Length * sizeof(float));
        var values = table.Values;
        var (low, high) = (Enumerable.Repeat(double.MaxValue, features).ToArray(), Enumerable.Repeat(double.MinValue, features).ToArray());
        for (var i = 0; i < values.Length; i++)
        {
            var f = i % features;
            low[f] = Math.Min(low[f], values[i]);
            high[f] = Math.Max(high[f], values[i]);
        }
        // A constant feature still maps to a valid range (its values to -1).
        for (var f = 0; f < features; f++) if (high[f] <= low[f]) high[f] = low[f] + 1;
        var labels = table.Labels.Select(l => l is null ? 0 : classes.IndexOf(l)).ToArray();
        var dataset = new UploadedDataset(UploadedDataset.NewId(), team, name, table.Count, steps, 1, classes, time.GetUtcNow(),
            new SequenceValues(features, low, high, table.FeatureNames));
        Directory.CreateDirectory(paths.Datasets);
        AtomicFile.WriteDirectory(paths.Dataset(dataset.Id), folder =>
        {
            File.WriteAllBytes(Path.Combine(folder, SequencesFile), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            File.WriteAllBytes(Path.Combine(folder, LabelsFile), System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
            File.WriteAllText(Path.Combine(folder, MetadataFile), JsonSerializer.Serialize(dataset));
        });
        _known[dataset.Id] = dataset;
        return dataset;
    }

    /// <summary>The upload with this id, whoever owns it; null when there is none.</summary>
    public UploadedDataset? Find(string id)
    {
        if (!id.StartsWith("dataset_", StringComparison.Ordinal) || id.IndexOfAny(['/', '\\', '.']) >= 0) return null;
        if (_known.TryGetValue(id, out var known)) return known;
        var file = Path.Combine(paths.Dataset(id), MetadataFile);
        if (!File.Exists(file)) return null;
        return _known[id] = JsonSerializer.Deserialize<UploadedDataset>(File.ReadAllText(file))!;
    }

    /// <summary>The team's uploads, newest first.</summary>
    public IReadOnlyList<UploadedDataset> List(string team) =>
        !Directory.Exists(paths.Datasets) ? []
        : Directory.GetDirectories(paths.Datasets).Select(Path.GetFileName).OfType<string>().Select(Find).OfType<UploadedDataset>()
            .Where(d => d.Team == team).OrderByDescending(d => d.CreatedAt).ToList();

    /// <summary>Bytes the team's uploads take on disk.</summary>
    public long BytesOf(string team) => List(team).Sum(d =>
        new DirectoryInfo(paths.Dataset(d.Id)) is { Exists: true } folder ? folder.EnumerateFiles().Sum(f => f.Length) : 0);

    public void Delete(string id)
    {
        _known.TryRemove(id, out _);
        var folder = paths.Dataset(id);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    public ImageDataset Load(string id)
    {
        var dataset = Find(id) ?? throw new InvalidOperationException($"Dataset '{id}' does not exist.");
        var folder = paths.Dataset(id);
        var labelBytes = File.ReadAllBytes(Path.Combine(folder, LabelsFile));
        var labels = Enumerable.Range(0, dataset.Count).Select(i => (long)BitConverter.ToInt32(labelBytes, i * 4)).ToArray();
        if (dataset.Sequence is { } sequence) return LoadSequences(dataset, sequence, Path.Combine(folder, SequencesFile), labels);
        return ImageDataset.FromBytes(id, File.ReadAllBytes(Path.Combine(folder, PixelsFile)), labels, dataset.Count, dataset.Channels, dataset.Size, dataset.Classes.Count);
    }

    // Stored in the data's units; scaled per feature to [-1, 1] here, as a model trains on it.
    private static ImageDataset LoadSequences(UploadedDataset dataset, SequenceValues sequence, string file, long[] labels)
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(file)).ToArray();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var low = TorchSharp.torch.tensor(sequence.Low.Select(v => (float)v).ToArray());
        var range = TorchSharp.torch.tensor(sequence.High.Select(v => (float)v).ToArray()) - low;
        var raw = TorchSharp.torch.tensor(values, new long[] { dataset.Count, 1, dataset.Size, sequence.Features });
        var scaled = (raw - low).div_(range).mul_(2).sub_(1);
        return new ImageDataset(dataset.Id, scaled.MoveToOuterDisposeScope(), TorchSharp.torch.tensor(labels).MoveToOuterDisposeScope(),
            dataset.Classes.Count, sequences: true);
    }

    // Gray images have R = G = B: one plane of each keeps all they hold.
    private static byte[] RedPlanes(byte[] rgb, int plane)
    {
        var gray = new byte[rgb.Length / 3];
        for (var i = 0; i < gray.Length / plane; i++) rgb.AsSpan(i * 3 * plane, plane).CopyTo(gray.AsSpan(i * plane));
        return gray;
    }

    private static bool IsMacMetadata(string name) => name.StartsWith("__MACOSX/", StringComparison.Ordinal) || Path.GetFileName(name).StartsWith("._", StringComparison.Ordinal);

    private static void CheckName(string name)
    {
        var parts = name.Split('/', '\\');
        if (name.StartsWith('/') || name.Contains('\\') || Path.IsPathRooted(name) || name.Contains(':') || parts.Any(p => p is ".." or "."))
            throw new UploadRejectedException($"Entry '{name}' has an unsafe path (absolute, or with '..'): refused.");
        if (!ImageExtensions.Contains(Path.GetExtension(name).ToLowerInvariant()))
            throw new UploadRejectedException($"Entry '{name}' is not an image: only .png, .jpg and .jpeg files are accepted.");
    }

    private static SkiaSharp.SKBitmap DecodeEntry(string name, byte[] bytes, long maxPixels, int size)
    {
        try
        {
            return SquareImage.TryDecode(bytes, maxPixels, size) ?? throw new UploadRejectedException($"'{name}' is not a PNG or JPEG image.");
        }
        catch (ImageTooLargeException error)
        {
            throw new UploadRejectedException($"'{name}': {error.Message}");
        }
    }

    // The central directory is read lazily: a lying entry count or a truncated directory only shows up here.
    private static List<ZipArchiveEntry> ReadDirectory(ZipArchive archive)
    {
        try { return archive.Entries.Where(e => !e.FullName.EndsWith('/') && !IsMacMetadata(e.FullName)).ToList(); }
        catch (InvalidDataException error) { throw new UploadRejectedException($"The zip's central directory is corrupt: {error.Message}"); }
    }

    // The declared size of an entry is the attacker's word; count what actually comes out.
    private static byte[] ReadBounded(ZipArchiveEntry entry, long budget)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = stream.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > budget || buffer.Length > entry.Length)
                    throw new UploadRejectedException($"Entry '{entry.FullName}' unpacks to more than it declares or than the upload limit allows: refused as a zip bomb.");
            }
        }
        catch (InvalidDataException error)
        {
            throw new UploadRejectedException($"Entry '{entry.FullName}' is corrupt: {error.Message}");
        }
        return buffer.ToArray();
    }
}
