using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Rendering;

/// <summary>Sampling from trained models. Bound from the <c>Sampling</c> configuration section.</summary>
public sealed class SamplingOptions
{
    public const string Section = "Sampling";

    /// <summary>Memory for loaded generators; least recently used ones are unloaded beyond it.</summary>
    [Range(1, 1_000_000)]
    public int CacheMegabytes { get; set; } = 512;
}
