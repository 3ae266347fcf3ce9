using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Evaluation;

/// <summary>Sample-quality evaluation. Bound from the <c>Evaluation</c> configuration section.</summary>
public sealed class EvaluationOptions
{
    public const string Section = "Evaluation";

    /// <summary>Generated (and real) images per evaluation.</summary>
    [Range(100, 100_000)]
    public int Samples { get; set; } = 5000;

    /// <summary>Epochs of the per-dataset feature classifier, trained once.</summary>
    [Range(1, 50)]
    public int ClassifierEpochs { get; set; } = 3;

    /// <summary>Images per forward pass while evaluating.</summary>
    [Range(1, 4096)]
    public int BatchSize { get; set; } = 500;
}
