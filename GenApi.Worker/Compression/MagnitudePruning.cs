using GenApi.Worker.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Compression;

/// <summary>
/// Unstructured magnitude pruning (Han et al. 2015): the weights of least absolute value are set to zero. The dense kernels
/// of libtorch still multiply the zeros, so sampling is no faster; only a sparse file (<see cref="WeightCodec"/>) is smaller.
/// </summary>
public static class MagnitudePruning
{
    /// <summary>The prunable tensors: weight matrices and kernels (2 dims or more), not label embeddings, biases or batch-norm scales.</summary>
    public static IReadOnlyList<(string Name, Parameter Weight)> Prunable(nn.Module network) => NetworkWeights.Matrices(network);

    /// <summary>Zeroes exactly round(sparsity · n) weights, ranked over all prunable tensors together (global) or in each (layer).</summary>
    /// <returns>The keep masks by parameter name (1 kept, 0 pruned), for fine-tuning that must keep the zeros.</returns>
    public static Dictionary<string, Tensor> Apply(nn.Module network, double sparsity, bool global)
    {
        var weights = Prunable(network);
        var masks = new Dictionary<string, Tensor>();
        using var noGrad = no_grad();
        if (global)
        {
            var flat = cat(weights.Select(w => w.Weight.detach().abs().flatten()).ToArray());
            var keep = KeepMask(flat, sparsity);
            long offset = 0;
            foreach (var (name, weight) in weights)
            {
                masks[name] = keep.narrow(0, offset, weight.NumberOfElements).view(weight.shape).to(weight.dtype);
                offset += weight.NumberOfElements;
            }
        }
        else
        {
            foreach (var (name, weight) in weights) masks[name] = KeepMask(weight.detach().abs().flatten(), sparsity).view(weight.shape).to(weight.dtype);
        }
        foreach (var (name, weight) in weights) weight.mul_(masks[name]);
        return masks;
    }

    /// <summary>Re-applies the masks after an optimizer step.</summary>
    public static void Reapply(nn.Module network, IReadOnlyDictionary<string, Tensor> masks)
    {
        using var noGrad = no_grad();
        foreach (var (name, weight) in Prunable(network)) weight.mul_(masks[name]);
    }

    /// <summary>Share of zeros among the prunable weights.</summary>
    public static double Sparsity(nn.Module network)
    {
        var weights = Prunable(network);
        var zeros = weights.Sum(w => w.Weight.eq(0).sum().item<long>());
        return zeros / (double)weights.Sum(w => w.Weight.NumberOfElements);
    }

    // argsort, not a threshold: ties at the threshold would otherwise prune more or fewer than asked.
    private static Tensor KeepMask(Tensor magnitudes, double sparsity)
    {
        var pruned = (long)Math.Round(sparsity * magnitudes.NumberOfElements, MidpointRounding.AwayFromZero);
        var keep = ones_like(magnitudes, dtype: ScalarType.Bool);
        if (pruned > 0) keep.index_fill_(0, magnitudes.argsort().narrow(0, 0, pruned), false);
        return keep;
    }
}
