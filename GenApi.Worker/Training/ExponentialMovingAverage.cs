using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// An EMA copy of a generator's weights (θ' ← d·θ' + (1 − d)·θ after every G update), which samples better
/// than the raw, oscillating weights. Buffers (batch-norm statistics) are copied, then recalibrated before use.
/// </summary>
public sealed class ExponentialMovingAverage : IDisposable
{
    private readonly (Tensor Target, Tensor Source)[] _parameters;
    private readonly (Tensor Target, Tensor Source)[] _buffers;
    private readonly double _decay;

    public ExponentialMovingAverage(nn.Module source, nn.Module average, double decay)
    {
        Average = average;
        _decay = decay;
        _parameters = average.parameters().Zip(source.parameters(), (t, s) => ((Tensor)t, (Tensor)s)).ToArray();
        _buffers = average.buffers().Zip(source.buffers()).ToArray();
        using var noGrad = no_grad();
        foreach (var (target, from) in _parameters.Concat(_buffers)) target.copy_(from);
        foreach (var parameter in average.parameters()) parameter.requires_grad = false;
    }

    public nn.Module Average { get; }

    public void Update()
    {
        using var noGrad = no_grad();
        foreach (var (target, source) in _parameters) target.mul_(_decay).add_(source, 1 - _decay);
        foreach (var (target, source) in _buffers) target.copy_(source);
    }

    public void Dispose() => Average.Dispose();
}
