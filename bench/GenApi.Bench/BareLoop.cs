using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Bench;

/// <summary>
/// The floor: the same DCGAN step with nothing around it (no progress, checkpoints, cancellation or
/// grids), on the same preloaded tensor. The engine is measured against this. <c>channelsLast</c> lays the convolution weights
/// and the real batches out NHWC (TorchSharp 0.107 has no memory_format argument: a permuted contiguous copy has the same strides).
/// <c>guarded</c> runs each update through the engine's <see cref="UpdateGuard"/> with its state captured as the engine does:
/// the guard's own cost, measured against the same loop without it.
/// </summary>
internal sealed class BareLoop : IDisposable
{
    private readonly DcganGenerator _g;
    private readonly DcganDiscriminator _d;
    private readonly TorchSharp.Modules.Adam _optG;
    private readonly TorchSharp.Modules.Adam _optD;

    private readonly bool _channelsLast;
    private readonly UpdateGuard? _guard;
    private readonly RecomputeState? _state;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter>? _gParameters, _dParameters;

    public BareLoop(ModelConfig config, bool channelsLast = false, bool guarded = false)
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
        if (!guarded) return;
        _guard = new UpdateGuard();
        _state = new RecomputeState([], () => [_g, _d], globalGenerator: true);
        (_gParameters, _dParameters) = (_g.parameters().ToList(), _d.parameters().ToList());
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
            Update("D", step, _d, _optD, () => binary_cross_entropy_with_logits(_d.call(x), real) + binary_cross_entropy_with_logits(_d.call(generated.detach()), fake));
            Update("G", step, _g, _optG, () => binary_cross_entropy_with_logits(_d.call(generated), real), retainGraph: _guard is not null);
        }
    }

    private void Update(string name, int step, nn.Module network, optim.Optimizer optimizer, Func<Tensor> loss, bool retainGraph = false)
    {
        if (_guard is null)
        {
            optimizer.zero_grad();
            loss().backward();
        }
        else
        {
            _state!.Capture();
            // A recomputation would need G's graph again; the bench never recomputes, but keeps what the engine keeps.
            _guard.Run(name, step + 1, network == _g ? _gParameters! : _dParameters!, () =>
            {
                optimizer.zero_grad();
                var value = loss();
                value.backward(retain_graph: retainGraph);
                return value.detach();
            }, _state.Restore);
        }
        optimizer.step();
    }

    private static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    public void Dispose()
    {
        _state?.Dispose();
        _optG.Dispose();
        _optD.Dispose();
        _g.Dispose();
        _d.Dispose();
    }
}
