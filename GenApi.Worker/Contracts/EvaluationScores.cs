namespace GenApi.Worker.Contracts;

/// <summary>Sample-quality scores of one comparison between two image sets, in a domain classifier's feature space.</summary>
/// <param name="ClassKl">KL(real ‖ generated) between the class histograms the classifier predicts: mode dropping and class imbalance.</param>
/// <param name="ConditionalAccuracy">Conditional models: share of samples the classifier assigns to the class they were asked for.</param>
/// <param name="ReconstructionError">VAEs: mean squared error per pixel (on the [0, 1] scale) of test images decoded from their posterior mean.</param>
/// <param name="Elbo">VAEs: evidence lower bound on the test split, nats per image (Bernoulli likelihood, one posterior sample; higher is better).</param>
/// <param name="ReverseFrechetDistance">Translation models: Fréchet distance of B→A translations against real A (the other scores are A→B).</param>
/// <param name="Kl">VAEs: mean KL(q(z|x) ‖ p(z)) on the test split, nats per input.</param>
/// <param name="ActiveDimensions">VAEs: latent dimensions whose posterior mean varies over the test split (variance &gt; 0.01); the rest collapsed.</param>
public sealed record EvaluationScores(double FrechetDistance, double Kid, double KidStd, double Precision, double Recall, int Samples,
    double ClassKl = 0, double? ConditionalAccuracy = null, double? ReconstructionError = null, double? Elbo = null, double? ReverseFrechetDistance = null,
    double? Kl = null, int? ActiveDimensions = null);

/// <summary>Scores of a generator, with the real-data floor (train split against test split) to read them against.</summary>
public sealed record EvaluationResult(EvaluationScores Scores, EvaluationScores Floor, double ClassifierAccuracy, int Step);
