using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// The arithmetic a job's forward and backward passes run in (<c>precision</c>). Low precision is mixed precision: the
/// optimizer, its moments, the EMA, checkpoints and sampling keep fp32 master weights; only the compute copy is cast.
/// </summary>
public static class Precision
{
    public const string Fp32 = "fp32";
    public const string Bf16 = "bf16";
    public const string Fp16 = "fp16";

    public static IReadOnlyList<string> Kinds { get; } = [Fp32, Bf16, Fp16];

    public static ScalarType DType(string precision) => precision switch
    {
        Bf16 => ScalarType.BFloat16,
        Fp16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>
    /// Whether <paramref name="device"/> runs <paramref name="precision"/> in hardware. CUDA does; a CPU needs the
    /// AVX-512 or AMX instructions for it, or libtorch emulates the type, far slower than fp32 (bench --precision).
    /// </summary>
    public static bool IsNative(string precision, Device device, IReadOnlySet<string>? cpuFlags = null)
    {
        if (precision == Fp32 || device.type == DeviceType.CUDA) return true;
        var flags = cpuFlags ?? Kernels.HostFacts.Flags;
        return precision == Bf16
            ? flags.Contains("avx512_bf16") || flags.Contains("amx_bf16")
            : flags.Contains("avx512_fp16") || flags.Contains("amx_fp16");
    }

    /// <summary>What a CPU needs to run <paramref name="precision"/> natively, in words.</summary>
    public static string Requirement(string precision) =>
        precision == Bf16 ? "a CUDA device, or a CPU with AVX-512 BF16 or AMX" : "a CUDA device, or a CPU with AVX-512 FP16 or AMX-FP16";
}
