using GenApi.Worker.Contracts;
using static TorchSharp.torch;

namespace GenApi.Worker.Evaluation;

/// <summary>Distances between two sets of feature vectors <c>[N, D]</c>: Fréchet distance, KID, precision/recall.</summary>
public static class SampleMetrics
{
    /// <summary>
    /// Fréchet distance between Gaussians fitted to both sets: |μ₁−μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½.
    /// Σ₁^½ Σ₂ Σ₁^½ is symmetric positive semi-definite, so both roots come from symmetric eigendecompositions
    /// (stable, real), not from a general matrix square root of Σ₁Σ₂.
    /// </summary>
    public static double FrechetDistance(Tensor real, Tensor fake)
    {
        using var scope = NewDisposeScope();
        var (mu1, sigma1) = MeanAndCovariance(real);
        var (mu2, sigma2) = MeanAndCovariance(fake);
        return FrechetDistance(mu1, sigma1, mu2, sigma2);
    }

    public static double FrechetDistance(Tensor mu1, Tensor sigma1, Tensor mu2, Tensor sigma2)
    {
        using var scope = NewDisposeScope();
        var root1 = SymmetricSqrt(sigma1);
        var product = root1.matmul(sigma2).matmul(root1);
        var traceOfRoot = linalg.eigvalsh((product + product.T) / 2).clamp_min(0).sqrt().sum();
        var meanTerm = (mu1 - mu2).square().sum();
        return (meanTerm + sigma1.trace() + sigma2.trace() - 2 * traceOfRoot).item<double>();
    }

    /// <summary>
    /// Kernel Inception Distance: the unbiased MMD² with the polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over
    /// <paramref name="subsets"/> random subsets of <paramref name="subsetSize"/>; returns mean and standard deviation.
    /// </summary>
    public static (double Mean, double Std) KernelInceptionDistance(Tensor real, Tensor fake, int subsets = 10, int subsetSize = 1000, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var x = real.to(float64);
        var y = fake.to(float64);
        var m = (int)Math.Min(subsetSize, Math.Min(x.shape[0], y.shape[0]));
        var d = x.shape[1];
        using var random = new Generator((ulong)seed);
        var values = new double[subsets];
        for (var s = 0; s < subsets; s++)
        {
            using var subset = NewDisposeScope();
            var a = x.index_select(0, randperm(x.shape[0], generator: random).narrow(0, 0, m));
            var b = y.index_select(0, randperm(y.shape[0], generator: random).narrow(0, 0, m));
            var kxx = (a.matmul(a.T) / d + 1).pow(3);
            var kyy = (b.matmul(b.T) / d + 1).pow(3);
            var kxy = (a.matmul(b.T) / d + 1).pow(3);
            // Unbiased: the diagonals (k(x, x)) are left out of the within-set terms.
            var within = (kxx.sum() - kxx.diagonal().sum() + kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1.0));
            values[s] = (within - 2 * kxy.mean()).item<double>();
        }
        var mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Length - 1)));
    }

    /// <summary>
    /// Improved precision and recall (Kynkäänniemi et al. 2019): a sample is inside a set's manifold when it lies
    /// within the distance from some member to that member's k-th nearest neighbour. Precision: fakes inside the
    /// real manifold; recall: reals inside the fake manifold.
    /// </summary>
    public static (double Precision, double Recall) PrecisionRecall(Tensor real, Tensor fake, int k = 3)
    {
        using var scope = NewDisposeScope();
        var x = real.to(float64);
        var y = fake.to(float64);
        return (Coverage(x, y, k), Coverage(y, x, k));
    }

    public static (Tensor Mean, Tensor Covariance) MeanAndCovariance(Tensor features)
    {
        var x = features.to(float64);
        var mean = x.mean([0]);
        var centered = x - mean;
        return (mean, centered.T.matmul(centered) / (x.shape[0] - 1));
    }

    // Fraction of `probes` within the k-NN radius of some point of `manifold`.
    private static double Coverage(Tensor manifold, Tensor probes, int k)
    {
        var radii = cdist(manifold, manifold).topk(k + 1, largest: false).values[.., k]; // k+1: a point's nearest is itself
        var inside = (cdist(probes, manifold) <= radii.unsqueeze(0)).any(1);
        return inside.to(float64).mean().item<double>();
    }

    private static Tensor SymmetricSqrt(Tensor matrix)
    {
        var (values, vectors) = linalg.eigh((matrix + matrix.T) / 2);
        return vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.T);
    }

    /// <summary>KL(p ‖ q) of two class-count histograms, each smoothed by one count per class so an absent class stays finite.</summary>
    public static double ClassKl(Tensor realCounts, Tensor fakeCounts)
    {
        using var scope = NewDisposeScope();
        var p = (realCounts + 1) / (realCounts + 1).sum();
        var q = (fakeCounts + 1) / (fakeCounts + 1).sum();
        return (p * (p / q).log()).sum().item<double>();
    }
}
