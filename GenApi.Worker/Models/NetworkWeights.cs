using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>Which of a network's parameters are weights in the sense pruning and quantization mean.</summary>
public static class NetworkWeights
{
    /// <summary>The weight matrices and kernels (two or more dimensions), without label embeddings, which are lookup tables.</summary>
    public static IReadOnlyList<(string Name, Parameter Weight)> Matrices(nn.Module network)
    {
        var embeddings = network.named_modules().Where(m => m.module is Embedding).Select(m => m.name + ".").ToList();
        return network.named_parameters().Where(p => p.parameter.dim() >= 2 && !embeddings.Any(e => p.name.StartsWith(e, StringComparison.Ordinal)))
            .Select(p => (p.name, p.parameter)).ToList();
    }
}
