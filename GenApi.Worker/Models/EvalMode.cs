using TorchSharp;

namespace GenApi.Worker.Models;

/// <summary>
/// Networks in eval mode for one block (sampling, scoring, measuring), each put back in the mode it was in when the
/// block ends, thrown or not: <c>using var _ = EvalMode.Of(generator);</c>. Batch norm and dropout must not see a
/// scoring pass as training, and a trainer that is scored mid-run must go on training.
/// </summary>
public readonly struct EvalMode : IDisposable
{
    private readonly (torch.nn.Module Module, bool Training)[] _was;

    private EvalMode((torch.nn.Module, bool)[] was) => _was = was;

    public static EvalMode Of(params torch.nn.Module[] modules)
    {
        var was = modules.Select(m => (m, m.training)).ToArray();
        foreach (var module in modules) module.eval();
        return new EvalMode(was);
    }

    public void Dispose()
    {
        foreach (var (module, training) in _was ?? []) module.train(training);
    }
}
