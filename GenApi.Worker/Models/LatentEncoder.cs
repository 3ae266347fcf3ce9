using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>A VAE's inference network q(z|x): data <c>[N, C, H, W]</c> (and labels, for conditional models) to the
/// posterior's mean and log-variance, <c>[N, latent]</c> each.</summary>
public abstract class LatentEncoder(string name) : nn.Module<Tensor, Tensor?, (Tensor Mean, Tensor LogVariance)>(name);
