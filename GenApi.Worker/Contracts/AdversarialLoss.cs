namespace GenApi.Worker.Contracts;

/// <summary>The GAN objectives, on D's raw outputs (logits, or critic scores for the Wasserstein loss).</summary>
public static class AdversarialLoss
{
    /// <summary>Non-saturating binary cross-entropy (Goodfellow et al.).</summary>
    public const string Bce = "bce";
    /// <summary>Least squares (Mao et al.).</summary>
    public const string Lsgan = "lsgan";
    public const string Hinge = "hinge";
    public const string Wasserstein = "wasserstein";

    public static IReadOnlyList<string> Kinds { get; } = [Bce, Lsgan, Hinge, Wasserstein];

    /// <summary>Whether real targets are labels (and can be smoothed).</summary>
    public static bool HasTargets(string kind) => kind is Bce or Lsgan;
}
