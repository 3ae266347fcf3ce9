using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>Maps images <c>[N, C, H, W]</c> (and labels <c>[N]</c> for conditional models) to one logit or critic score per image.</summary>
public abstract class ImageDiscriminator(string name) : nn.Module<Tensor, Tensor?, Tensor>(name)
{
    /// <summary>Unconditional shorthand.</summary>
    public Tensor call(Tensor images) => call(images, null);
}
