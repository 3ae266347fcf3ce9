namespace GenApi.Worker.Contracts;

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

    /// <summary>What a CPU needs to run <paramref name="precision"/> natively, in words.</summary>
    public static string Requirement(string precision) =>
        precision == Bf16 ? "a CUDA device, or a CPU with AVX-512 BF16 or AMX" : "a CUDA device, or a CPU with AVX-512 FP16 or AMX-FP16";
}
