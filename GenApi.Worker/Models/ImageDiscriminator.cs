using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>Maps images <c>[N, C, H, W]</c> (and labels <c>[N]</c> for conditional models) to one logit or critic score per image.</summary>
public abstract class ImageDiscriminator(string name) : nn.Module<Tensor, Tensor?, Tensor>(name)
{
    /// <summary>Unconditional shorthand.</summary>
    public Tensor call(Tensor images) => call(images, null);

    /// <summary>The feature blocks, from the input up, as the module paths their parameters start with; the logit is not one.</summary>
    protected abstract IReadOnlyList<IReadOnlyList<string>> Blocks { get; }

    /// <summary>How many blocks <see cref="Freeze"/> can hold.</summary>
    public int BlockCount => Blocks.Count;

    /// <summary>
    /// Stops gradients to the first <paramref name="blocks"/> blocks' parameters (FreezeD, Mo et al. 2020: the pretrained low-level
    /// features stay, the upper layers and the logit adapt). Gradients still flow through them to the images, so G trains as before.
    /// </summary>
    /// <returns>The parameters still trained, for the optimizer.</returns>
    public IReadOnlyList<Parameter> Freeze(int blocks)
    {
        var frozen = Blocks.Take(blocks).SelectMany(b => b).ToArray();
        var trained = new List<Parameter>();
        foreach (var (path, parameter) in named_parameters())
        {
            if (frozen.Any(prefix => path.StartsWith(prefix + ".", StringComparison.Ordinal))) parameter.requires_grad = false;
            else trained.Add(parameter);
        }
        return trained;
    }
}
