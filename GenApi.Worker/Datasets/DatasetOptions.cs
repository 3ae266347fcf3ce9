using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Datasets;

/// <summary>Where the built-in datasets are read from. Bound from the <c>Datasets</c> configuration section.</summary>
public sealed class DatasetOptions
{
    public const string Section = "Datasets";

    /// <summary>Folder with the Fashion-MNIST IDX <c>.gz</c> files (Debian package <c>dataset-fashion-mnist</c>).</summary>
    [Required]
    public string FashionMnistPath { get; set; } = "/usr/share/datasets/fashion-mnist";
}
