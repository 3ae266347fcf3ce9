
namespace GenApi.Worker.Contracts;

/// <summary>The evaluation score trials are ranked by, and which way is better.</summary>
public sealed record SweepMetric(string Name, SweepGoal Goal)
{
    public const string FrechetDistance = "frechetDistance";
    public const string Kid = "kid";
    public const string Precision = "precision";
    public const string Recall = "recall";
    public const string ConditionalAccuracy = "conditionalAccuracy";
    public const string ReconstructionError = "reconstructionError";

    /// <summary>The metrics a sweep can rank by.</summary>
    public static IReadOnlyList<string> Names { get; } = [FrechetDistance, Kid, Precision, Recall, ConditionalAccuracy, ReconstructionError];

    /// <summary>The direction that means better for <paramref name="name"/>.</summary>
    public static SweepGoal NaturalGoal(string name) => name is Precision or Recall or ConditionalAccuracy ? SweepGoal.Maximize : SweepGoal.Minimize;

    /// <summary>The metric's value in <paramref name="scores"/>; null where the family does not produce it.</summary>
    public double? Read(EvaluationScores scores) => Name switch
    {
        FrechetDistance => scores.FrechetDistance,
        Kid => scores.Kid,
        Precision => scores.Precision,
        Recall => scores.Recall,
        ConditionalAccuracy => scores.ConditionalAccuracy,
        ReconstructionError => scores.ReconstructionError,
        _ => null,
    };

    /// <summary>The value as a loss: lower is better whatever the goal, so rules need only one direction.</summary>
    public double AsLoss(double value) => Goal == SweepGoal.Minimize ? value : -value;
}

public static class SweepGoals
{
    public static IReadOnlyList<string> Names { get; } = ["minimize", "maximize"];
}

public enum SweepGoal
{
    Minimize,
    Maximize,
}
