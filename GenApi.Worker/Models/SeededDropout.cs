using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>
/// Dropout whose masks come from the training run's own generator instead of torch's global one, so a run
/// resumed from a checkpoint draws the same masks as one never interrupted. <paramref name="channels"/> drops
/// whole feature maps (Dropout2d), the usual choice after convolutions.
/// </summary>
public sealed class SeededDropout(double probability, bool channels, Func<Generator?> random) : nn.Module<Tensor, Tensor>(nameof(SeededDropout))
{
    public override Tensor forward(Tensor input)
    {
        // An alias, not the input itself: Sequential disposes each intermediate result it has moved past.
        if (!training || probability <= 0) return input.alias();
        var shape = channels ? new[] { input.shape[0], input.shape[1], 1L, 1L } : input.shape;
        var keep = empty(shape, input.dtype, input.device).bernoulli_(1 - probability, generator: random());
        return input * keep / (1 - probability);
    }
}
