using GenApi.Worker.Contracts;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <summary>DiffAugment: differentiable, reproducible for a seed, and each policy doing exactly what it says.</summary>
public sealed class DiffAugmentTests
{
    private static Tensor Apply(Tensor images, string[] policies, ulong seed)
    {
        using var random = new Generator(seed);
        return DiffAugmentation.Apply(images, policies, random);
    }

    [Fact]
    public void EveryPolicy_IsDifferentiable_AndTheSameForASeed()
    {
        using var scope = NewDisposeScope();
        var images = rand(4, 3, 16, 16).mul(2).sub(1).requires_grad_();
        var augmented = Apply(images, [.. DiffAugment.Policies], 7);
        augmented.square().sum().backward();
        Assert.NotNull(images.grad);
        Assert.True(images.grad!.isfinite().all().item<bool>());
        Assert.True(images.grad.abs().sum().item<float>() > 0);
        using var noGrad = no_grad();
        Assert.True(Apply(images, [.. DiffAugment.Policies], 7).equal(augmented).all().item<bool>());
        Assert.False(Apply(images, [.. DiffAugment.Policies], 8).equal(augmented).all().item<bool>());
    }

    [Fact]
    public void Translation_ShiftsByWholePixels_WithinAnEighthOfTheSide()
    {
        using var scope = NewDisposeScope();
        // One lit pixel in the middle of each 16×16 image: after a shift it is still one lit pixel, at most 2 away.
        var images = zeros(8, 1, 16, 16);
        images[.., .., 8, 8] = tensor(1f);
        var shifted = Apply(images, [DiffAugment.Translation], 3);
        for (var i = 0; i < 8; i++)
        {
            var lit = shifted[i, 0].nonzero();
            Assert.Equal(1, lit.shape[0]);
            Assert.Equal(1f, shifted[i, 0].sum().item<float>());
            Assert.InRange(lit[0, 0].item<long>(), 6, 10);
            Assert.InRange(lit[0, 1].item<long>(), 6, 10);
        }
        Assert.False(shifted.equal(images).all().item<bool>());
    }

    [Fact]
    public void Cutout_ErasesAtMostASquareOfHalfTheSide_AndLeavesTheRest()
    {
        using var scope = NewDisposeScope();
        var images = ones(16, 1, 16, 16);
        var cut = Apply(images, [DiffAugment.Cutout], 5);
        var erased = cut.eq(0).flatten(1).sum(1).data<long>().ToArray();
        // Clipped at a corner it keeps at least a quarter of its 8 × 8 pixels.
        Assert.All(erased, n => Assert.InRange(n, 16, 64));
        // Some square lies wholly inside: 8 × 8 pixels.
        Assert.Contains(64L, erased);
        Assert.True(cut.eq(0).logical_or(cut.eq(1)).all().item<bool>());
    }

    [Fact]
    public void Color_ChangesBrightnessPerImage_NotPerPixel()
    {
        using var scope = NewDisposeScope();
        // A flat gray image stays flat: brightness moves it, saturation and contrast have nothing to stretch.
        var flat = full(4, 3, 8, 8, 0.1f);
        var jittered = Apply(flat, [DiffAugment.Color], 2);
        for (var i = 0; i < 4; i++)
        {
            var values = jittered[i];
            Assert.True((values.max() - values.min()).item<float>() < 1e-5);
            Assert.InRange(values.mean().item<float>(), 0.1f - 0.5f, 0.1f + 0.5f);
        }
    }
}
