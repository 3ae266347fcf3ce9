using GenApi.Worker.Compute.Kernels;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <summary>
/// The kernels a process keeps compute right convolution gradients, whatever the host: where oneDNN's are wrong (an AMD
/// EPYC family 26 host with libtorch 2.10: 40–50 % off, sometimes NaN) the selection turns it off; elsewhere it keeps it.
/// What this host showed is printed, never asserted.
/// </summary>
public sealed class KernelSelectionTests(ITestOutputHelper output)
{
    [Fact]
    public void TheKeptKernels_GiveConvolutionInputGradients_ThatMatchTheExactReference()
    {
        var report = KernelSelection.Ensure();
        output.WriteLine(report.ToString());
        Console.WriteLine($"kernel check: {report}");

        // Measured again, after whatever else this process has run: the choice holds for every later call.
        var again = ConvolutionCheck.Measure(CPU, callsPerLayer: 6);
        Assert.False(again.Faulty, $"{again}; {report}");
        Assert.False(report.StillFaulty, report.ToString());
        Assert.Same(report, KernelSelection.Ensure(KernelSelection.Off));
        Assert.Contains(__version__, report.ToString());
        Assert.Contains("cores", report.Host);
    }

    [Fact]
    public void TheAccuracyCheck_CallsAWrongOrNonFiniteGradientFaulty()
    {
        Assert.False(new ConvolutionAccuracy(2e-7, 0, 16).Faulty);
        Assert.True(new ConvolutionAccuracy(0.46, 0, 16).Faulty);
        Assert.True(new ConvolutionAccuracy(1e-7, 1, 16).Faulty);
        Assert.True(new ConvolutionAccuracy(double.NaN, 0, 16).Faulty);
    }
}
