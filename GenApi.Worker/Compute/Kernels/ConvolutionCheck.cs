using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Compute.Kernels;

/// <summary>How far fp32 convolution gradients with respect to the input were from an exact reference, over some calls.</summary>
/// <param name="MaxRelativeError">Largest |fp32 − fp64| / max |fp64| among the finite gradients.</param>
/// <param name="NonFinite">Calls whose gradient held a NaN or infinity (from finite inputs).</param>
public sealed record ConvolutionAccuracy(double MaxRelativeError, int NonFinite, int Calls)
{
    /// <summary>fp32 rounding over these sums stays near 1e-6; a wrong kernel is off by tens of percent.</summary>
    public const double Tolerance = 1e-3;

    public bool Faulty => NonFinite > 0 || !(MaxRelativeError <= Tolerance);

    public override string ToString() =>
        $"input gradients off by up to {MaxRelativeError:G2} of their scale, {NonFinite} of {Calls} calls non-finite";
}

/// <summary>
/// Checks libtorch's fp32 <c>Conv2d</c> backward with respect to the input against the float64 kernel (which oneDNN does
/// not serve, so it takes libtorch's own implementation). The layers are the ones that went wrong on an AMD EPYC family 26
/// host (avx512f, avx512_bf16) with libtorch 2.10: few channels on one side. There oneDNN's gradient was off by 40–50 % in
/// every call and non-finite in some; with oneDNN off it matched to 1e-7.
/// </summary>
public static class ConvolutionCheck
{
    private static readonly (int In, int Out, int Kernel, int Stride, int Padding, long Side)[] Layers =
    [
        (32, 1, 3, 1, 0, 28), (32, 8, 3, 1, 0, 28), (1, 8, 4, 2, 1, 28), (32, 1, 3, 1, 1, 28),
    ];

    /// <summary>Runs every probe layer <paramref name="callsPerLayer"/> times on <paramref name="device"/>.</summary>
    public static ConvolutionAccuracy Measure(Device device, int callsPerLayer = 4, long batch = 16)
    {
        using var scope = NewDisposeScope();
        using var random = new Generator(7);
        double worst = 0;
        var nonFinite = 0;
        foreach (var (channelsIn, channelsOut, kernel, stride, padding, side) in Layers)
        {
            var weight = randn(new long[] { channelsOut, channelsIn, kernel, kernel }, generator: random).mul_(0.1);
            for (var call = 0; call < callsPerLayer; call++)
            {
                using var inner = NewDisposeScope();
                var x = randn(new long[] { batch, channelsIn, side, side }, generator: random);
                var outSide = (side + 2 * padding - kernel) / stride + 1;
                var upstream = randn(new long[] { batch, channelsOut, outSide, outSide }, generator: random);
                var fast = InputGradient(x.to(device), weight.to(device), stride, padding, upstream.to(device)).cpu().to(float64);
                var exact = InputGradient(x.to(float64), weight.to(float64), stride, padding, upstream.to(float64));
                if (!fast.isfinite().all().item<bool>()) { nonFinite++; continue; }
                worst = Math.Max(worst, ((fast - exact).abs().max() / exact.abs().max().clamp_min(1e-12)).item<double>());
            }
        }
        return new ConvolutionAccuracy(worst, nonFinite, Layers.Length * callsPerLayer);
    }

    private static Tensor InputGradient(Tensor x, Tensor weight, int stride, int padding, Tensor upstream)
    {
        var input = x.detach().requires_grad_();
        var output = nn.functional.conv2d(input, weight, strides: [stride, stride], padding: [padding, padding]);
        return autograd.grad([output], [input], [upstream])[0];
    }
}
