using GenApi.Worker.Contracts;
using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>Maps noise <c>[N, latent]</c> (and, for conditional models, labels <c>[N]</c>) to images <c>[N, C, H, W]</c> in [-1, 1].</summary>
public abstract class ImageGenerator(string name, ModelConfig config) : nn.Module<Tensor, Tensor?, Tensor>(name)
{
    public ModelConfig Config { get; } = config;

    /// <summary>Unconditional shorthand.</summary>
    public Tensor call(Tensor z) => call(z, null);

    /// <summary>Decodes z where the image it should become is known (training, the ELBO): feed-forward generators ignore
    /// <paramref name="target"/>; recurrent ones are teacher-forced on it.</summary>
    /// <param name="random">Training's random stream, for what a decoder draws while training (recurrent input dropout); null outside training.</param>
    public virtual Tensor Decode(Tensor z, Tensor? labels, Tensor target, TorchSharp.torch.Generator? random = null) => call(z, labels);
}
