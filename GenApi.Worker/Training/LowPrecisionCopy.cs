using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// A network's compute copy in bf16 or fp16, beside its fp32 master (Micikevicius et al. 2018). Forward and backward run
/// on the copy; its gradients are moved onto the masters, the optimizer steps the masters, and the masters are cast back
/// into the copy. Batch-norm statistics and spectral-norm vectors, updated by the copy's forward passes, go the other way.
/// </summary>
public sealed class LowPrecisionCopy : IDisposable
{
    private readonly (Parameter Master, Parameter Copy)[] _parameters;
    private readonly (Tensor Master, Tensor Copy)[] _buffers;

    public LowPrecisionCopy(nn.Module master, nn.Module copy, ScalarType type)
    {
        Copy = copy;
        copy.to(type);
        _parameters = master.parameters().Zip(copy.parameters()).ToArray();
        _buffers = master.buffers().Zip(copy.buffers()).ToArray();
        if (_parameters.Length != master.parameters().Count() || _buffers.Length != master.buffers().Count())
            throw new InvalidOperationException("A compute copy must have its master's parameters and buffers.");
        Pull();
    }

    public nn.Module Copy { get; }

    /// <summary>Whether <paramref name="master"/> is one of this network's master parameters.</summary>
    public bool Owns(Parameter master) => _parameters.Any(p => ReferenceEquals(p.Master, master));

    /// <summary>The pairs of the given master parameters (those this copy owns).</summary>
    public IEnumerable<(Parameter Master, Parameter Copy)> PairsOf(IReadOnlyCollection<Parameter> masters) =>
        _parameters.Where(p => masters.Any(m => ReferenceEquals(m, p.Master)));

    /// <summary>Casts the masters' weights and buffers into the copy (after loading a checkpoint).</summary>
    public void Pull()
    {
        using var noGrad = no_grad();
        foreach (var (master, copy) in _parameters) copy.copy_(master);
        foreach (var (master, copy) in _buffers) copy.copy_(master);
    }

    /// <summary>The statistics the copy's forward passes updated, back onto the master (which checkpoints and sampling read).</summary>
    public void PushBuffers()
    {
        using var noGrad = no_grad();
        foreach (var (master, copy) in _buffers) master.copy_(copy);
    }

    public void Dispose() => Copy.Dispose();
}
