using GenApi.Worker.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Bench;

/// <summary>
/// The floor: the same DCGAN step with nothing around it (no progress, checkpoints, cancellation or
/// grids), on the same preloaded tensor. The engine is measured against this. <c>channelsLast</c> lays the convolution weights
/// and the real batches out NHWC (TorchSharp 0.107 has no memory_format argument: a permuted contiguous copy has the same strides).
/// </summary>
internal sealed class BareLoop : IDisposable
{
    private readonly DcganGenerator _g;
    private readonly DcganDiscriminator _d;
    private readonly TorchSharp.Modules.Adam _optG;
    private readonly TorchSharp.Modules.Adam _optD;

    private readonly bool _channelsLast;

    public BareLoop(ModelConfig config, bool channelsLast = false)
    {
        manual_seed(1);
        _g = new DcganGenerator(config);
        _d = new DcganDiscriminator(config);
        _channelsLast = channelsLast;
        if (channelsLast)
            using (no_grad())
                foreach (var p in _g.parameters().Concat(_d.parameters()).Where(p => p.dim() == 4))
                    p.set_(ChannelsLast(p));
        _optG = optim.Adam(_g.parameters(), 2e-4, 0.5, 0.999);
        _optD = optim.Adam(_d.parameters(), 2e-4, 0.5, 0.999);
    }

    public void Run(Tensor images, int steps, int batch)
    {
        using var real = ones(batch);
        using var fake = zeros(batch);
        using var order = randperm(images.shape[0]);
        var perEpoch = (int)(images.shape[0] / batch);
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var x = images.index_select(0, order.narrow(0, step % perEpoch * batch, batch));
            if (_channelsLast) x = ChannelsLast(x);
            var generated = _g.call(randn(batch, _g.Config.LatentDim, 1, 1));
            _optD.zero_grad();
            var lossD = binary_cross_entropy_with_logits(_d.call(x), real) + binary_cross_entropy_with_logits(_d.call(generated.detach()), fake);
            lossD.backward();
            _optD.step();
            _optG.zero_grad();
            binary_cross_entropy_with_logits(_d.call(generated), real).backward();
            _optG.step();
        }
    }

    private static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    public void Dispose()
    {
        _optG.Dispose();
        _optD.Dispose();
        _g.Dispose();
        _d.Dispose();
    }
}
