using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Compression;

/// <summary>
/// Structured pruning (Li et al. 2017, "Pruning Filters for Efficient ConvNets"): each layer keeps its filters of largest L1
/// norm, the next layer its matching input channels, batch norm the matching statistics. The result is a genuinely narrower
/// network of the same family (the student's config has a smaller baseChannels), so it samples faster and its file is smaller.
/// </summary>
public static class ChannelPruning
{
    /// <summary>Copies into <paramref name="student"/> (the same architecture, narrower) the strongest channels of <paramref name="teacher"/>.</summary>
    public static void Narrow(nn.Module teacher, nn.Module student)
    {
        var source = teacher.state_dict();
        var target = student.state_dict();
        var studentModules = student.named_modules().ToDictionary(m => m.name, m => m.module);
        Tensor? kept = null; // the previous layer's kept output channels, null when it kept them all
        using var noGrad = no_grad();
        foreach (var (name, module) in teacher.named_modules())
        {
            if (!studentModules.ContainsKey(name)) throw new ArgumentException($"The student has no layer '{name}'.");
            var (outDim, inDim) = module switch
            {
                Linear or Conv1d or Conv2d => (0, 1),
                ConvTranspose2d => (1, 0),
                _ => (-1, -1),
            };
            if (outDim >= 0)
            {
                var weight = source[$"{name}.weight"];
                if (kept is not null) weight = weight.index_select(inDim, kept);
                var wanted = target[$"{name}.weight"].shape[outDim];
                kept = wanted == weight.shape[outDim] ? null : Strongest(weight, outDim, wanted);
                target[$"{name}.weight"].copy_(kept is null ? weight : weight.index_select(outDim, kept));
                if (source.TryGetValue($"{name}.bias", out var bias)) target[$"{name}.bias"].copy_(kept is null ? bias : bias.index_select(0, kept));
            }
            else if (module is BatchNorm1d or BatchNorm2d)
            {
                foreach (var part in new[] { "weight", "bias", "running_mean", "running_var" })
                    target[$"{name}.{part}"].copy_(kept is null ? source[$"{name}.{part}"] : source[$"{name}.{part}"].index_select(0, kept));
            }
            else if (module is Embedding)
            {
                target[$"{name}.weight"].copy_(source[$"{name}.weight"]);
            }
        }
    }

    // The indexes of the `count` slices along `dim` of largest L1 norm, in their original order.
    private static Tensor Strongest(Tensor weight, int dim, long count)
    {
        var norms = weight.abs().transpose(0, dim).flatten(1).sum(1);
        return norms.topk((int)count).indexes.sort().Values;
    }
}
