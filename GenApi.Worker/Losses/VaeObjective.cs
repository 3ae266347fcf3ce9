using GenApi.Worker.Contracts;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Worker.Losses;

/// <summary>The VAE objective's terms (<see cref="VaeLoss"/> names the reconstruction kinds).</summary>
public static class VaeObjective
{
    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), per row <c>[N]</c>.</summary>
    public static Tensor Kl(Tensor mean, Tensor logVariance) =>
        -0.5 * (1 + logVariance - mean.square() - logVariance.exp()).sum(1);

    /// <summary>
    /// The KL term with free bits (Kingma et al. 2016): Σ_d max(λ, mean over the batch of KL_d). A dimension whose KL is
    /// below λ nats costs λ whatever it encodes, so the optimizer has no reason to collapse it onto the prior.
    /// </summary>
    public static Tensor FreeBitsKl(Tensor mean, Tensor logVariance, double lambda) =>
        (-0.5 * (1 + logVariance - mean.square() - logVariance.exp())).mean([0]).clamp_min(lambda).sum();

    /// <summary>Per-image reconstruction loss <c>[N]</c> of images in [-1, 1]; BCE reads both as Bernoulli means in [0, 1].</summary>
    public static Tensor Reconstruction(string kind, Tensor reconstructed, Tensor images)
    {
        if (kind == "mse") return (reconstructed - images).square().flatten(1).sum(1);
        var p = ((reconstructed + 1) / 2).clamp(1e-6, 1 - 1e-6);
        return binary_cross_entropy(p, (images + 1) / 2, reduction: nn.Reduction.None).flatten(1).sum(1);
    }
}
