using GenApi.Worker.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Bench;

/// <summary>
/// The floor: the same DCGAN step with nothing around it (no progress, checkpoints, cancellation or
/// grids), on the same preloaded tensor. The engine is measured against this.
/// </summary>
internal sealed class BareLoop : IDisposable
{
    private readonly DcganGenerator _g;
    private readonly DcganDiscriminator _d;
    private readonly TorchSharp.Modules.Adam _optG;
    private readonly TorchSharp.Modules.Adam _optD;

    public BareLoop(ModelConfig config)
    {
        manual_seed(1);
        _g = new DcganGenerator(config);
        _d = new DcganDiscriminator(config);
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

    public void Dispose()
    {
        _optG.Dispose();
        _optD.Dispose();
        _g.Dispose();
        _d.Dispose();
    }
}
