using GenApi.Worker.Contracts;

namespace GenApi.Contracts;

/// <summary>
/// Sample quality at one step, in the feature space of a classifier trained on the dataset (comparable within
/// GenApi, not with Inception-based FID), with the real-data floor (train split against test split) beside it.
/// </summary>
/// <param name="Step">Step evaluated.</param>
/// <param name="FrechetDistance">Fréchet distance to the test split (lower is better).</param>
/// <param name="Kid">Kernel Inception Distance (unbiased MMD², polynomial kernel; lower is better).</param>
/// <param name="KidStd">Standard deviation of KID over subsets.</param>
/// <param name="Precision">Share of samples inside the real manifold (k = 3): fidelity.</param>
/// <param name="Recall">Share of real images inside the samples' manifold: diversity.</param>
/// <param name="Samples">Generated images compared.</param>
/// <param name="Floor">The same metrics between the dataset's train and test splits: the best to expect.</param>
/// <param name="ClassifierAccuracy">Test accuracy of the feature classifier.</param>
/// <param name="ClassKl">KL(real ‖ generated) of the class histograms the classifier predicts (0 = same class balance; mode dropping raises it).</param>
/// <param name="ConditionalAccuracy">Conditional models: share of samples classified as the class they were generated for.</param>
/// <param name="ReconstructionError">VAEs: mean squared error per pixel ([0, 1] scale) of test images decoded from their posterior mean.</param>
/// <param name="Elbo">VAEs: evidence lower bound on the test split in nats per input (higher is better): Bernoulli likelihood for
/// images and image rows, Gaussian with σ² = ½ (the <c>mse</c> objective's) for sequence data.</param>
/// <param name="ReverseFrechetDistance">Translation models (cyclegan): Fréchet distance of B→A translations to the real A images. The other
/// scores are A→B: <c>frechetDistance</c> of translations to real B, <c>conditionalAccuracy</c> the share classified as B,
/// <c>reconstructionError</c> the cycle error of both round trips.</param>
/// <param name="Kl">VAEs: mean KL(q(z|x) ‖ p(z)) on the test split, nats per input.</param>
/// <param name="ActiveDimensions">VAEs: latent dimensions whose posterior mean varies over the test split (variance &gt; 0.01, Burda et al.);
/// the others collapsed onto the prior and carry nothing.</param>
public sealed record ScoresResponse(int Step, double FrechetDistance, double Kid, double KidStd, double Precision, double Recall, int Samples,
    FloorResponse Floor, double ClassifierAccuracy, double ClassKl, double? ConditionalAccuracy, double? ReconstructionError, double? Elbo,
    double? ReverseFrechetDistance = null, double? Kl = null, int? ActiveDimensions = null)
{
    public static ScoresResponse From(EvaluationResult e) => new(e.Step, e.Scores.FrechetDistance, e.Scores.Kid, e.Scores.KidStd, e.Scores.Precision,
        e.Scores.Recall, e.Scores.Samples, new FloorResponse(e.Floor.FrechetDistance, e.Floor.Kid, e.Floor.Precision, e.Floor.Recall, e.Floor.ClassKl),
        e.ClassifierAccuracy, e.Scores.ClassKl, e.Scores.ConditionalAccuracy, e.Scores.ReconstructionError, e.Scores.Elbo, e.Scores.ReverseFrechetDistance,
        e.Scores.Kl, e.Scores.ActiveDimensions);
}

/// <summary>The real-data floor: train split against test split (its conditional-accuracy counterpart is the classifier's accuracy).</summary>
public sealed record FloorResponse(double FrechetDistance, double Kid, double Precision, double Recall, double ClassKl);
