using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>A VAE's inference network q(z|x): data <c>[N, C, H, W]</c> (and labels, for conditional models) to the
/// posterior's mean and log-variance, <c>[N, latent]</c> each.</summary>
public abstract class LatentEncoder(string name) : nn.Module<Tensor, Tensor?, (Tensor Mean, Tensor LogVariance)>(name)
{
    /// <summary>The reparameterisation trick: z = μ + σ·ε with ε ~ N(0, I) drawn from <paramref name="random"/>, so gradients reach μ and log σ².</summary>
    public static Tensor Reparameterize(Tensor mean, Tensor logVariance, Generator? random) =>
        mean + (0.5 * logVariance).exp() * empty_like(mean).normal_(generator: random);
}
