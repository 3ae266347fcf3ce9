namespace GenApi.Worker.Evaluation;

/// <summary>Sample-quality scores of one comparison between two image sets, in a domain classifier's feature space.</summary>
public sealed record EvaluationScores(double FrechetDistance, double Kid, double KidStd, double Precision, double Recall, int Samples);

/// <summary>Scores of a generator, with the real-data floor (train split against test split) to read them against.</summary>
public sealed record Evaluation(EvaluationScores Scores, EvaluationScores Floor, double ClassifierAccuracy, int Step);
