namespace GenApi.Worker.Contracts;

/// <summary>The VAE objective's names: reconstruction (summed over pixels) + β·KL(q(z|x) ‖ N(0, I)), per image; the terms are <c>VaeObjective</c>.</summary>
public static class VaeLoss
{
    public static IReadOnlyList<string> Reconstructions { get; } = ["bce", "mse"];
}
