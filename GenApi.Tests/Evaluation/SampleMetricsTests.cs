using GenApi.Worker.Evaluation;
using static TorchSharp.torch;

namespace GenApi.Tests.Evaluation;

public sealed class SampleMetricsTests
{
    private static Tensor Gaussian(int n, double[] mean, double[] std, ulong seed)
    {
        using var random = new Generator(seed);
        return randn(new long[] { n, mean.Length }, dtype: float64, generator: random) * tensor(std) + tensor(mean);
    }

    [Fact]
    public void FrechetDistance_MatchesTheClosedForm_ForGivenGaussians()
    {
        // |μ1−μ2|² + Σ(√a − √b)² for diagonal covariances: (1 + 4) + (2 − 1)² + (3 − 1)² = 10
        using var mu1 = tensor(new[] { 0.0, 0.0 });
        using var mu2 = tensor(new[] { 1.0, 2.0 });
        using var sigma1 = diag(tensor(new[] { 4.0, 9.0 }));
        using var sigma2 = eye(2, dtype: float64);
        Assert.Equal(10.0, SampleMetrics.FrechetDistance(mu1, sigma1, mu2, sigma2), 9);

        // Rotating both distributions together changes nothing, although the covariances then do not commute with diag.
        var angle = 0.7;
        using var r = tensor(new[,] { { Math.Cos(angle), -Math.Sin(angle) }, { Math.Sin(angle), Math.Cos(angle) } });
        using var rotated1 = r.matmul(sigma1).matmul(r.T);
        using var rotated2 = r.matmul(diag(tensor(new[] { 1.0, 16.0 }))).matmul(r.T);
        // (2 − 1)² + (3 − 4)² = 2, means equal
        Assert.Equal(2.0, SampleMetrics.FrechetDistance(mu1, rotated1, mu1, rotated2), 9);
    }

    [Fact]
    public void FrechetDistance_IsZeroForIdenticalSets_AndRecoversAShift()
    {
        using var real = Gaussian(20000, [0, 0, 0, 0], [1, 1, 1, 1], 1);
        Assert.Equal(0.0, SampleMetrics.FrechetDistance(real, real), 6);
        using var shifted = Gaussian(20000, [1, 0, 2, 0], [1, 1, 1, 1], 2);
        Assert.InRange(SampleMetrics.FrechetDistance(real, shifted), 4.8, 5.2);
    }

    [Fact]
    public void Kid_IsNearZeroForOneDistribution_AndPositiveForTwo()
    {
        using var a = Gaussian(4000, [0, 0, 0], [1, 1, 1], 3);
        using var b = Gaussian(4000, [0, 0, 0], [1, 1, 1], 4);
        using var c = Gaussian(4000, [1, 0, 0], [1, 1, 1], 5);
        var (same, sameStd) = SampleMetrics.KernelInceptionDistance(a, b);
        var (different, _) = SampleMetrics.KernelInceptionDistance(a, c);
        Assert.InRange(same, -3 * sameStd - 1e-3, 3 * sameStd + 1e-3);
        Assert.True(different > 10 * Math.Max(Math.Abs(same), sameStd), $"KID {different} vs same-distribution {same} ± {sameStd}");
    }

    [Fact]
    public void PrecisionAndRecall_SeparateFidelityFromDiversity()
    {
        using var real = cat([Gaussian(1000, [0, 0], [1, 1], 6), Gaussian(1000, [20, 0], [1, 1], 7)]);
        using var oneMode = Gaussian(1000, [0, 0], [1, 1], 8);
        using var nowhere = Gaussian(1000, [0, 50], [1, 1], 9);
        var (precision, recall) = SampleMetrics.PrecisionRecall(real, oneMode);
        Assert.True(precision > 0.9, $"precision {precision}");
        Assert.InRange(recall, 0.35, 0.6);
        Assert.Equal((0.0, 0.0), SampleMetrics.PrecisionRecall(real, nowhere));
        var (p, r) = SampleMetrics.PrecisionRecall(real, real);
        Assert.Equal((1.0, 1.0), (p, r));
    }

    [Fact]
    public void ClassKl_IsZeroForTheSameBalance_AndMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0.0, SampleMetrics.ClassKl(tensor(new double[] { 99, 199 }), tensor(new double[] { 49, 99 })), 9);
        // Smoothed by one count: p = (0.25, 0.75), q = (0.5, 0.5).
        var expected = 0.25 * Math.Log(0.5) + 0.75 * Math.Log(1.5);
        Assert.Equal(expected, SampleMetrics.ClassKl(tensor(new double[] { 0, 2 }), tensor(new double[] { 1, 1 })), 9);
    }
}
