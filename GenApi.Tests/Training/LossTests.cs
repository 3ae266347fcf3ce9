using GenApi.Worker.Losses;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

public sealed class LossTests
{
    [Fact]
    public void GradientPenalty_OfALinearCritic_IsTheSquaredDistanceOfItsWeightNormFromOne()
    {
        using var scope = NewDisposeScope();
        // D(x) = w·x has gradient w everywhere: penalty (‖w‖ − 1)², whatever the mix.
        var w = tensor(new float[] { 3, 4 }); // ‖w‖ = 5 → 16
        var real = randn(8, 2);
        var fake = randn(8, 2);
        var penalty = AdversarialObjective.GradientPenalty(x => x.matmul(w), real, fake, rand(8, 1));
        Assert.Equal(16.0, penalty.item<float>(), 4);
    }

    [Fact]
    public void GradientPenalty_MatchesAHandComputedValue_AndReachesTheCriticsWeights()
    {
        using var scope = NewDisposeScope();
        // D(x) = a·Σx²: ∇ = 2a·x̂. With x̂ = 0.5·(2, 0) + 0.5·(0, 0) = (1, 0) and a = 1.5: ‖∇‖ = 3, penalty (3 − 1)² = 4.
        var a = tensor(1.5f).requires_grad_(true);
        var penalty = AdversarialObjective.GradientPenalty(x => a * x.square().sum(1), tensor(new float[,] { { 2, 0 } }), zeros(1, 2), full(1, 1, 0.5f));
        Assert.Equal(4.0, penalty.item<float>(), 5);
        // create_graph: d/da (2a·1 − 1)² = 2(2a − 1)·2 = 8 at a = 1.5.
        penalty.backward();
        Assert.Equal(8.0, a.grad!.item<float>(), 5);
    }

    [Fact]
    public void VaeKl_MatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        // KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − ln σ²) per dimension.
        var mean = tensor(new float[,] { { 1, 2 } });
        var logVariance = tensor(new float[,] { { 0, (float)Math.Log(4) } });
        var expected = 0.5 * (1 + 1 - 1 - 0) + 0.5 * (4 + 4 - 1 - Math.Log(4));
        Assert.Equal(expected, VaeObjective.Kl(mean, logVariance).item<float>(), 5);
        Assert.Equal(0.0, VaeObjective.Kl(zeros(1, 5), zeros(1, 5)).item<float>(), 6);
    }

    [Theory]
    [InlineData("bce")]
    [InlineData("lsgan")]
    [InlineData("hinge")]
    [InlineData("wasserstein")]
    public void AdversarialLosses_HaveTheirTextbookValues(string kind)
    {
        using var scope = NewDisposeScope();
        var real = tensor(new float[] { 2, 0 });
        var fake = tensor(new float[] { -1, 0.5f });
        var d = AdversarialObjective.Discriminator(kind, real, fake, ones(2)).item<float>();
        var g = AdversarialObjective.Generator(kind, fake).item<float>();
        static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
        var (expectedD, expectedG) = kind switch
        {
            // −log σ(r) = softplus(−r); −log(1 − σ(f)) = softplus(f)
            "bce" => ((Softplus(-2) + Softplus(0)) / 2 + (Softplus(-1) + Softplus(0.5)) / 2, (Softplus(1) + Softplus(-0.5)) / 2),
            "lsgan" => (0.5 * ((1 + 1) / 2.0 + (1 + 0.25) / 2), 0.5 * ((4 + 0.25) / 2)),
            "hinge" => ((0 + 1) / 2.0 + (0 + 1.5) / 2, -(-1 + 0.5) / 2.0),
            _ => ((-1 + 0.5) / 2.0 - (2 + 0) / 2.0, -(-1 + 0.5) / 2.0),
        };
        Assert.Equal(expectedD, d, 5);
        Assert.Equal(expectedG, g, 5);
    }

    [Fact]
    public void LabelSmoothing_MovesTheRealTarget()
    {
        using var scope = NewDisposeScope();
        var real = tensor(new float[] { 3 });
        var sharp = AdversarialObjective.Discriminator("lsgan", real, zeros(1), ones(1)).item<float>();
        var smooth = AdversarialObjective.Discriminator("lsgan", real, zeros(1), full(1, 0.9f)).item<float>();
        Assert.Equal(0.5 * 4, sharp, 5);
        Assert.Equal(0.5 * 2.1 * 2.1, smooth, 4);
    }
}
