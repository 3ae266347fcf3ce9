using GenApi.Worker.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Compute;

/// <summary>What a <see cref="Precision"/> means to libtorch and to this host (the names live with the job's settings).</summary>
public static class PrecisionSupport
{
    public static ScalarType DType(string precision) => precision switch
    {
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Fp16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>
    /// Whether <paramref name="device"/> runs <paramref name="precision"/> in hardware. CUDA does; a CPU needs the
    /// AVX-512 or AMX instructions for it, or libtorch emulates the type, far slower than fp32 (bench --precision).
    /// </summary>
    public static bool IsNative(string precision, Device device, IReadOnlySet<string>? cpuFlags = null)
    {
        if (precision == Precision.Fp32 || device.type == DeviceType.CUDA) return true;
        var flags = cpuFlags ?? Kernels.HostFacts.Flags;
        return precision == Precision.Bf16
            ? flags.Contains("avx512_bf16") || flags.Contains("amx_bf16")
            : flags.Contains("avx512_fp16") || flags.Contains("amx_fp16");
    }
}
