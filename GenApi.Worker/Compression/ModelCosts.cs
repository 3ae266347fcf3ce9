using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Compression;

/// <summary>Counts what a generator costs (<see cref="ModelCost"/>).</summary>
public static class ModelCosts
{
    public static ModelCost Of(ImageGenerator generator)
    {
        var parameters = generator.parameters().ToList();
        var nonZero = parameters.Sum(p => p.ne(0).sum().item<long>());
        return new(parameters.Sum(p => p.NumberOfElements), nonZero, generator.Config.Recurrent is null ? Flops(generator) : null);
    }

    // One forward pass of one sample with a hook on every convolution and linear layer: a transposed convolution spends
    // its kernel on every input position, a convolution on every output position, a linear layer once per row.
    private static long Flops(ImageGenerator generator)
    {
        long flops = 0;
        var hooks = new List<Action>();
        foreach (var (_, module) in generator.named_modules())
        {
            if (module is ConvTranspose2d or Conv2d or Linear)
            {
                var layer = (nn.Module<Tensor, Tensor>)module;
                var remover = layer.register_forward_hook((m, input, output) =>
                {
                    var weight = m.get_parameter("weight")!.NumberOfElements;
                    var positions = m switch
                    {
                        ConvTranspose2d => input.shape[2] * input.shape[3],
                        Conv2d => output.shape[2] * output.shape[3],
                        _ => input.NumberOfElements / input.shape[^1] / input.shape[0],
                    };
                    flops += 2 * weight * positions;
                    return output;
                });
                hooks.Add(() => remover.remove());
            }
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        try
        {
            using var eval = EvalMode.Of(generator);
            var device = generator.parameters().First().device;
            var labels = generator.Config.Conditional ? zeros(1, ScalarType.Int64, device) : null;
            generator.call(zeros(1, generator.Config.LatentDim, device: device), labels);
        }
        finally
        {
            foreach (var remove in hooks) remove();
        }
        return flops;
    }
}
