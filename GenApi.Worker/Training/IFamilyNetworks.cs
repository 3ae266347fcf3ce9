using GenApi.Worker.Contracts;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// What a trainer needs from its model family. The family builds the trainer and hands itself over, so the loop never
/// looks a family up in the registry (which sits above training).
/// </summary>
public interface IFamilyNetworks
{
    /// <summary>What the two reported losses are (D and G for GANs).</summary>
    (string First, string Second) LossNames { get; }

    /// <summary>The network files of a published model, a subset of a checkpoint's (optimizers and critics stay behind).</summary>
    IReadOnlyList<string> ModelFiles { get; }

    /// <summary>A fresh network of <paramref name="config"/> for one of <see cref="ModelFiles"/> (or its checkpoint-only
    /// counterparts), ready to load that file into.</summary>
    nn.Module CreateNetwork(ModelConfig config, string file);
}
