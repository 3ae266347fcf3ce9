namespace GenApi.Worker.Contracts;

/// <summary>
/// Named sets of defaults a job can start from (<c>preset</c>): every field the request sets still overrides them, and the
/// job shows the values it resolved to. Each family lists the presets it has (<c>IModelFamily.Presets</c>).
/// </summary>
public static class TrainingPresets
{
    /// <summary>The family's published values (its paper's): the default.</summary>
    public const string Paper = "paper";

    /// <summary>The best recipe measured here for short CPU budgets.</summary>
    public const string Fast = "fast";

    public static IReadOnlyList<string> Names { get; } = [Paper, Fast];
}
