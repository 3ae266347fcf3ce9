using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Artifacts;

/// <summary>What a team's published models may take, enforced wherever a model is published. Bound from <c>Quotas</c>.</summary>
public sealed class ModelQuotaOptions
{
    public const string Section = "Quotas";

    /// <summary>Models a team may keep (trained, promoted, compressed, imported).</summary>
    [Range(1, 1_000_000)]
    public int ModelsPerTeam { get; set; } = 500;

    /// <summary>Disk a team's models may take.</summary>
    [Range(1024, long.MaxValue)]
    public long ModelBytesPerTeam { get; set; } = 20L * 1024 * 1024 * 1024;
}

/// <summary>A model was not published because its team holds its share of models or model bytes.</summary>
public sealed class ModelQuotaExceededException(string message) : Exception(message);
