namespace GenApi.Worker.Compute.Kernels;

/// <summary>The CPU this process runs on, from <c>/proc/cpuinfo</c>: what every hardware figure must be reported with.</summary>
public static class HostFacts
{
    private const string CpuInfo = "/proc/cpuinfo";

    // The flags that select libtorch's and oneDNN's kernel paths.
    private static readonly string[] Relevant =
        ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_bf16", "amx_fp16", "avx_vnni"];

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Fields = new(() =>
    {
        var fields = new Dictionary<string, string>();
        if (!File.Exists(CpuInfo)) return fields;
        // The first processor's block describes them all.
        foreach (var line in File.ReadLines(CpuInfo).TakeWhile(l => l.Length > 0))
            if (line.Split(':', 2) is [var key, var value]) fields.TryAdd(key.Trim(), value.Trim());
        return fields;
    });

    /// <summary>Every flag the CPU reports.</summary>
    public static IReadOnlySet<string> Flags => AllFlags.Value;

    private static readonly Lazy<IReadOnlySet<string>> AllFlags = new(() =>
        Fields.Value.TryGetValue("flags", out var flags) ? flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() : new HashSet<string>());

    /// <summary>E.g. "AMD EPYC 9B45 (family 26 model 2), 2 cores; avx2 fma avx512f … avx512_bf16".</summary>
    public static string Describe()
    {
        var model = Fields.Value.GetValueOrDefault("model name", "unknown CPU");
        var family = Fields.Value.TryGetValue("cpu family", out var f) ? $" (family {f} model {Fields.Value.GetValueOrDefault("model", "?")})" : "";
        var flags = Relevant.Where(Flags.Contains).ToList();
        return $"{model}{family}, {Environment.ProcessorCount} cores; {(flags.Count > 0 ? string.Join(' ', flags) : "no AVX2 or later")}";
    }
}
