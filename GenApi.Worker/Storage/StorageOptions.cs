using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Storage;

/// <summary>Where jobs, models and artifacts live. Bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded mode: one process, in-memory queue) or <c>postgres</c> (distributed mode).</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be sqlite or postgres.")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>Npgsql connection string; required with the postgres provider.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Root folder for checkpoints, sample grids and models (and the SQLite file in embedded mode).
    /// In distributed mode, a directory shared by the API and every worker.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "genapi");

    public bool IsDistributed => Provider == Postgres;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsDistributed && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult(
                "Storage:ConnectionString is required when Storage:Provider is postgres (e.g. Host=db;Username=genapi;Password=…;Database=genapi).",
                [nameof(ConnectionString)]);
    }
}
