using System.Text.Json;

namespace GenApi.Worker.Sweeps;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al. 2011; the sampler of Hyperopt and Optuna). Finished trials are
/// split into the best γ and the rest; each parameter gets a density l(x) over the good trials' values and g(x) over
/// the others', both with a flat prior; candidates are drawn from l and the one with the highest l(x)/g(x) is taken.
/// Parameters are modelled independently. The first trials are random draws, as there is nothing to learn from yet.
/// </summary>
public static class ParzenSampler
{
    private const double Gamma = 0.25;
    private const int Candidates = 24;

    /// <summary>Random trials before the model is used: a third of the budget, 2…10.</summary>
    public static int StartupTrials(int maxTrials) => Math.Clamp(maxTrials / 3, 2, 10);

    public static IReadOnlyDictionary<string, JsonElement> Propose(SweepSpec sweep, int number, IReadOnlyList<TrialOutcome> finished)
    {
        var random = TrialSampler.RandomFor(sweep.Seed, number);
        var scored = finished.Where(t => t.Loss is not null)
            .OrderByDescending(t => t.StepReached).ThenBy(t => t.Loss!.Value).ToList();
        if (scored.Count < StartupTrials(sweep.MaxTrials)) return TrialSampler.Random(sweep.Parameters, random);
        var goodCount = Math.Max(1, (int)Math.Ceiling(Gamma * scored.Count));
        var (good, bad) = (scored.Take(goodCount).ToList(), scored.Skip(goodCount).ToList());
        return sweep.Parameters.ToDictionary(p => p.Path, p => p.Values is null
            ? Range(p, Observed(p, good), Observed(p, bad), random)
            : Categorical(p, good, bad, random));
    }

    private static List<double> Observed(SweepParameter p, List<TrialOutcome> trials) =>
        trials.Where(t => t.Parameters.ContainsKey(p.Path)).Select(t => p.ToInternal(t.Parameters[p.Path])).ToList();

    private static JsonElement Categorical(SweepParameter p, List<TrialOutcome> good, List<TrialOutcome> bad, Random random)
    {
        var values = p.Values!;
        double[] Weights(List<TrialOutcome> trials) => values
            .Select(v => 1.0 + trials.Count(t => t.Parameters.TryGetValue(p.Path, out var x) && JsonElement.DeepEquals(x, v))).ToArray();
        var (l, g) = (Weights(good), Weights(bad));
        var (lSum, gSum) = (l.Sum(), g.Sum());
        var best = -1;
        var bestRatio = double.NegativeInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            var pick = Pick(l, lSum, random);
            var ratio = Math.Log(l[pick] / lSum) - Math.Log(g[pick] / gSum);
            if (ratio > bestRatio) (best, bestRatio) = (pick, ratio);
        }
        return values[best];
    }

    private static JsonElement Range(SweepParameter p, List<double> good, List<double> bad, Random random)
    {
        var (low, high) = p.Bounds;
        if (p.Distribution == ParameterDistribution.IntUniform) (low, high) = (low - 0.5, high + 0.4999);
        var l = Mixture(good, low, high);
        var g = Mixture(bad, low, high);
        var best = double.NaN;
        var bestRatio = double.NegativeInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            var x = l.Sample(random);
            var ratio = l.LogDensity(x) - g.LogDensity(x);
            if (ratio > bestRatio) (best, bestRatio) = (x, ratio);
        }
        return p.FromInternal(best);
    }

    private static int Pick(double[] weights, double sum, Random random)
    {
        var u = random.NextDouble() * sum;
        for (var i = 0; i < weights.Length; i++)
            if ((u -= weights[i]) < 0) return i;
        return weights.Length - 1;
    }

    // Gaussians at the observations plus a wide prior at the middle, each as wide as the gap to its neighbours
    // (clipped), all truncated to [low, high].
    private static Parzen Mixture(List<double> observations, double low, double high)
    {
        var span = high - low;
        var mus = observations.Append((low + high) / 2).Order().ToList();
        var minSigma = span / Math.Min(100, mus.Count + 1);
        var sigmas = new double[mus.Count];
        for (var i = 0; i < mus.Count; i++)
        {
            var left = i > 0 ? mus[i] - mus[i - 1] : mus[i] - low;
            var right = i < mus.Count - 1 ? mus[i + 1] - mus[i] : high - mus[i];
            sigmas[i] = Math.Clamp(Math.Max(left, right), minSigma, span);
        }
        var prior = mus.IndexOf((low + high) / 2);
        sigmas[prior] = span;
        return new Parzen(mus.ToArray(), sigmas, low, high);
    }

    private sealed record Parzen(double[] Mus, double[] Sigmas, double Low, double High)
    {
        public double Sample(Random random)
        {
            var i = random.Next(Mus.Length);
            for (var attempt = 0; attempt < 100; attempt++)
            {
                // Box–Muller.
                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                var x = Mus[i] + Sigmas[i] * z;
                if (x >= Low && x <= High) return x;
            }
            return Math.Clamp(Mus[i], Low, High);
        }

        public double LogDensity(double x)
        {
            var sum = 0.0;
            for (var i = 0; i < Mus.Length; i++)
            {
                var z = (x - Mus[i]) / Sigmas[i];
                sum += Math.Exp(-0.5 * z * z) / Sigmas[i];
            }
            return Math.Log(sum / Mus.Length + 1e-300);
        }
    }
}
