using GenApi.Worker.Models;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <summary>Spectral normalisation and R1 against closed forms on tiny tensors.</summary>
public sealed class RegularisationTests
{
    [Fact]
    public void SpectralConv_AfterPowerIterations_HasLargestSingularValueOne_ByTheSvd()
    {
        manual_seed(4);
        using var conv = new SpectralConv2d(3, 8, 4, stride: 2, padding: 1);
        conv.train();
        using var input = randn(2, 3, 8, 8);
        for (var i = 0; i < 30; i++) using (conv.call(input)) { }
        using var normalized = conv.NormalizedWeight().detach();
        using var singular = linalg.svdvals(normalized.view(8, -1));
        Assert.Equal(1.0, singular[0].item<float>(), 2);
        // Eval mode uses the stored estimate and does not advance it: the same weight twice.
        conv.eval();
        using var first = conv.NormalizedWeight().detach();
        using var second = conv.NormalizedWeight().detach();
        Assert.True(first.equal(second).all().item<bool>());
    }

    [Fact]
    public void R1_IsTheMeanSquaredGradientNorm_OnAHandComputedCase()
    {
        // D(x) = Σ x², so ∇D = 2x: ‖2·(1,0,0,0)‖² = 4 and ‖2·(0,1,1,0)‖² = 8; the mean is 6.
        using var real = tensor(new float[] { 1, 0, 0, 0, 0, 1, 1, 0 }).view(2, 1, 2, 2);
        using var penalty = R1Penalty.Of(x => x.square().flatten(1).sum(1), real);
        Assert.Equal(6.0, penalty.item<float>(), 5);
        // Linear D(x) = Σ w·x: ∇D = w whatever x, so the penalty is ‖w‖² = 1 + 4 + 9 + 16.
        using var w = tensor(new float[] { 1, 2, 3, 4 }).view(1, 1, 2, 2);
        using var linear = R1Penalty.Of(x => (x * w).flatten(1).sum(1), real);
        Assert.Equal(30.0, linear.item<float>(), 5);
    }
}
