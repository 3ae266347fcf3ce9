using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Compute.Recovery;

/// <summary>
/// What an update's forward passes consume or advance besides the weights: random generators (noise, dropout masks,
/// augmentation, pool decisions), optionally torch's global one (nn.Dropout draws from it), and module buffers (batch-norm
/// statistics, spectral-norm vectors, image pools). Captured before an update and restored before its recomputation, so
/// a recomputed update sees exactly what the first try saw.
/// </summary>
/// <param name="modules">Enumerated at every capture: to(device) and checkpoint loading may replace a module's buffers.</param>
public sealed class RecomputeState(IReadOnlyList<Generator> generators, Func<IEnumerable<nn.Module>> modules, bool globalGenerator = false) : IDisposable
{
    private readonly Tensor?[] _generatorStates = new Tensor?[generators.Count];
    private readonly List<Tensor> _saved = [];
    private Tensor? _globalState;
    private List<Tensor> _live = [];

    /// <summary>Remembers the current state; costs one small device copy per buffer and no host sync.</summary>
    public void Capture()
    {
        for (var i = 0; i < generators.Count; i++)
        {
            _generatorStates[i]?.Dispose();
            _generatorStates[i] = generators[i].get_state().DetachFromDisposeScope();
        }
        if (globalGenerator)
        {
            _globalState?.Dispose();
            _globalState = torch.random.get_rng_state().DetachFromDisposeScope();
        }
        _live = modules().SelectMany(m => m.buffers()).ToList();
        using var noGrad = no_grad();
        for (var i = 0; i < _live.Count; i++)
        {
            if (i < _saved.Count && _saved[i].shape.SequenceEqual(_live[i].shape) && _saved[i].dtype == _live[i].dtype && _saved[i].device == _live[i].device)
                _saved[i].copy_(_live[i]);
            else if (i < _saved.Count)
            {
                _saved[i].Dispose();
                _saved[i] = _live[i].detach().clone().DetachFromDisposeScope();
            }
            else _saved.Add(_live[i].detach().clone().DetachFromDisposeScope());
        }
    }

    /// <summary>Puts back what <see cref="Capture"/> remembered.</summary>
    public void Restore()
    {
        for (var i = 0; i < generators.Count; i++)
            if (_generatorStates[i] is { } state) generators[i].set_state(state);
        if (_globalState is not null) torch.random.set_rng_state(_globalState);
        using var noGrad = no_grad();
        for (var i = 0; i < _live.Count; i++) _live[i].copy_(_saved[i]);
    }

    public void Dispose()
    {
        foreach (var state in _generatorStates) state?.Dispose();
        _globalState?.Dispose();
        foreach (var saved in _saved) saved.Dispose();
        _saved.Clear();
    }
}
