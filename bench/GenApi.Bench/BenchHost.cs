using System.Text;
using GenApi.Worker.Compute.Kernels;

namespace GenApi.Bench;

/// <summary>The machine every figure of a report came from: CPU model and flags, libtorch, threads and the kernels kept.</summary>
public static class BenchHost
{
    /// <summary>One line for the top of a report (the kernel check runs once per process, on first use).</summary>
    public static string Line => $"Host: {KernelSelection.Ensure()}.";

    /// <summary>A report that starts with <see cref="Line"/>.</summary>
    public static StringBuilder NewReport() => new StringBuilder().AppendLine(Line).AppendLine();
}
