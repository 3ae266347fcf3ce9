using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Storage;

/// <summary>Where jobs, models and artifacts live. Bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Root folder for the SQLite file, checkpoints, sample grids and models.</summary>
    [Required]
    public string DataDirectory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "genapi");
}
