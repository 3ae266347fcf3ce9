using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Datasets;

/// <summary>Where the built-in datasets are read from, and the limits on uploads. Bound from the <c>Datasets</c> configuration section.</summary>
public sealed class DatasetOptions
{
    public const string Section = "Datasets";

    /// <summary>Folder with the Fashion-MNIST IDX <c>.gz</c> files (Debian package <c>dataset-fashion-mnist</c>).</summary>
    [Required]
    public string FashionMnistPath { get; set; } = "/usr/share/datasets/fashion-mnist";

    /// <summary>Folder with the MNIST IDX files (<c>train-images-idx3-ubyte[.gz]</c> …).</summary>
    [Required]
    public string MnistPath { get; set; } = "/usr/share/datasets/mnist";

    /// <summary>Folder with CIFAR-10's binary batches (<c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>, <c>test_batch.bin</c>).</summary>
    [Required]
    public string Cifar10Path { get; set; } = "/usr/share/datasets/cifar10";

    /// <summary>Largest upload (the zip as sent).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Most images one upload may hold.</summary>
    [Range(1, 10_000_000)]
    public int MaxImages { get; set; } = 100_000;

    /// <summary>Largest total of decompressed bytes in one upload: the zip-bomb guard.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUncompressedBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most pixels one image (in an upload, or sent to reconstruct) may declare: checked in its header, before decoding.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImagePixels { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most lines a CSV upload of sequences may have (header included).</summary>
    [Range(2, 100_000_000)]
    public int MaxCsvRows { get; set; } = 2_000_000;

    /// <summary>Most columns a CSV upload may have: steps of a wide-format row, or features of a long-format one.</summary>
    [Range(2, 1_000_000)]
    public int MaxCsvColumns { get; set; } = 4096;

    /// <summary>Side uploaded images are centre-cropped and resized to when stored (the largest model size).</summary>
    public const int UploadSize = 64;
}
