using TorchSharp;

namespace GenApi.Worker.Compute.Kernels;

/// <summary>What this process found about its CPU kernels at start-up and what it chose; logged by each host, printed by the bench.</summary>
/// <param name="Host">CPU model and the flags that matter to libtorch's kernels.</param>
/// <param name="WithOneDnn">The convolution check with oneDNN on; null where oneDNN was off from the start.</param>
/// <param name="Chosen">The check with the kernels kept.</param>
/// <param name="Mode">What was asked: <c>auto</c>, <c>on</c> or <c>off</c> (<c>Worker:OneDnn</c>).</param>
public sealed record KernelReport(string Host, string LibTorch, int Threads, string Mode, ConvolutionAccuracy? WithOneDnn, bool OneDnn,
    ConvolutionAccuracy Chosen, bool NnpackOff)
{
    /// <summary>Whether the kernels kept still compute wrong gradients (then only the update guard stands between them and the weights).</summary>
    public bool StillFaulty => Chosen.Faulty;

    public override string ToString() =>
        $"{Host}; libtorch {LibTorch}, {Threads} intra-op threads; "
        + (WithOneDnn is { Faulty: true } broken
            ? OneDnn ? $"oneDNN's fp32 conv2d backward is wrong here ({broken}) and {(Mode == KernelSelection.On ? "kept on (Worker:OneDnn=on)" : "could not be turned off")}"
                     : $"oneDNN's fp32 conv2d backward is wrong here ({broken}): oneDNN turned off, now {Chosen}"
            : $"oneDNN {(OneDnn ? "on" : "off")}: conv2d backward checked, {Chosen}")
        + (NnpackOff ? "; NNPACK unsupported on this CPU, turned off" : "");
}

/// <summary>
/// Chooses libtorch's CPU kernels once per process by measuring them (the CPUs the service lands on differ): oneDNN stays on
/// unless its convolution gradients are wrong on this host. Every entry point that trains calls <see cref="Ensure"/>; the
/// first call decides.
/// </summary>
public static class KernelSelection
{
    /// <summary>Measure, and turn oneDNN off where it is wrong.</summary>
    public const string Auto = "auto";
    public const string On = "on";
    public const string Off = "off";
    public static IReadOnlyList<string> Modes { get; } = [Auto, On, Off];

    private static readonly Lock Gate = new();
    private static KernelReport? _report;

    /// <summary>The first caller's <paramref name="mode"/> decides for the process; later callers get the same report.</summary>
    public static KernelReport Ensure(string mode = Auto)
    {
        lock (Gate) return _report ??= Choose(mode);
    }

    private static KernelReport Choose(string mode)
    {
        var cpu = torch.CPU;
        var nnpackOff = LibTorchSwitches.TryDisableUnavailableNnpack();
        if (mode == Off) LibTorchSwitches.TrySetOneDnn(false);
        var enabled = LibTorchSwitches.OneDnnEnabled ?? true;
        var first = ConvolutionCheck.Measure(cpu);
        var chosen = first;
        if (mode == Auto && enabled && first.Faulty && LibTorchSwitches.TrySetOneDnn(false))
        {
            enabled = false;
            chosen = ConvolutionCheck.Measure(cpu);
        }
        return new KernelReport(HostFacts.Describe(), torch.__version__, torch.get_num_threads(), mode, mode == Off ? null : first, enabled, chosen, nnpackOff);
    }
}
