using GenApi.Worker.Contracts;
using static GenApi.Worker.Contracts.AdversarialLoss;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Worker.Losses;

/// <summary>The GAN objectives an <see cref="AdversarialLoss"/> names, on D's raw outputs.</summary>
public static class AdversarialObjective
{
    /// <param name="realTarget">Targets for real images: ones, or 1 − s with one-sided label smoothing.</param>
    public static Tensor Discriminator(string kind, Tensor real, Tensor fake, Tensor realTarget) => kind switch
    {
        Bce => binary_cross_entropy_with_logits(real, realTarget) + binary_cross_entropy_with_logits(fake, zeros_like(fake)),
        Lsgan => 0.5 * (mse_loss(real, realTarget) + fake.square().mean()),
        Hinge => relu(1 - real).mean() + relu(1 + fake).mean(),
        Wasserstein => fake.mean() - real.mean(),
        _ => throw new ArgumentException($"Unknown loss '{kind}'."),
    };

    public static Tensor Generator(string kind, Tensor fake) => kind switch
    {
        Bce => binary_cross_entropy_with_logits(fake, ones_like(fake)),
        Lsgan => 0.5 * (fake - 1).square().mean(),
        Hinge or Wasserstein => -fake.mean(),
        _ => throw new ArgumentException($"Unknown loss '{kind}'."),
    };

    /// <summary>
    /// WGAN-GP's penalty E[(‖∇x̂ D(x̂)‖₂ − 1)²] at x̂ = α·real + (1 − α)·fake (Gulrajani et al. 2017), built with
    /// create_graph so that its own gradient reaches D's weights.
    /// </summary>
    /// <param name="alpha">Mixing weights <c>[N, 1, 1, 1]</c> in [0, 1].</param>
    public static Tensor GradientPenalty(Func<Tensor, Tensor> critic, Tensor real, Tensor fake, Tensor alpha)
    {
        var mixed = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(true);
        var scores = critic(mixed);
        // retain_graph: the penalty's own backward runs through this graph again.
        var gradient = autograd.grad([scores.sum()], [mixed], retain_graph: true, create_graph: true)[0];
        return (gradient.flatten(1).norm(1, false, 2) - 1).square().mean();
    }
}
