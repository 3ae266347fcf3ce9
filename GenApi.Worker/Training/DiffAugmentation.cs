using GenApi.Worker.Contracts;
using static GenApi.Worker.Contracts.DiffAugment;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>The transforms of <see cref="DiffAugment"/>'s policies, drawn from the trainer's random stream.</summary>
public static class DiffAugmentation
{
    /// <summary><paramref name="images"/> <c>[B, C, H, W]</c> in [-1, 1] through the <paramref name="policies"/>.</summary>
    public static Tensor Apply(Tensor images, IReadOnlyCollection<string> policies, Generator random)
    {
        foreach (var policy in Policies.Where(policies.Contains))
            images = policy switch
            {
                Color => ColorJitter(images, random),
                Translation => Translate(images, random),
                _ => Erase(images, random),
            };
        return images;
    }

    // Brightness ±0.5, saturation ×[0, 2] around each pixel's channel mean, contrast ×[0.5, 1.5] around the image mean.
    private static Tensor ColorJitter(Tensor x, Generator random)
    {
        x = x + (Uniform(x, random) - 0.5);
        var pixelMean = x.mean([1], keepdim: true);
        x = (x - pixelMean) * (Uniform(x, random) * 2) + pixelMean;
        var imageMean = x.mean([1, 2, 3], keepdim: true);
        return (x - imageMean) * (Uniform(x, random) + 0.5) + imageMean;
    }

    // Whole-pixel shifts in [-s, s] per axis (s = ⌊side/8 + ½⌋): sampling a grid moved by whole pixels, nearest neighbour,
    // zeros outside, is an exact shift and is differentiable in the image.
    private static Tensor Translate(Tensor x, Generator random)
    {
        var (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3]);
        var (sy, sx) = ((long)(height * TranslationRatio + 0.5), (long)(width * TranslationRatio + 0.5));
        var dy = randint(-sy, sy + 1, new long[] { batch }, generator: random, device: x.device).to(x.dtype) * (2.0 / height);
        var dx = randint(-sx, sx + 1, new long[] { batch }, generator: random, device: x.device).to(x.dtype) * (2.0 / width);
        var ones = ones_like(dx);
        var zeros = zeros_like(dx);
        var theta = stack([stack([ones, zeros, dx], 1), stack([zeros, ones, dy], 1)], 1);
        var grid = nn.functional.affine_grid(theta, [batch, x.shape[1], height, width], align_corners: false);
        return nn.functional.grid_sample(x, grid, GridSampleMode.Nearest, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    // One square of half the side set to 0 per image, from a random centre (clipped at the borders).
    private static Tensor Erase(Tensor x, Generator random)
    {
        var (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3]);
        var (ch, cw) = ((long)(height * CutoutRatio + 0.5), (long)(width * CutoutRatio + 0.5));
        var top = randint(0, height, new long[] { batch, 1, 1 }, generator: random, device: x.device) - ch / 2;
        var left = randint(0, width, new long[] { batch, 1, 1 }, generator: random, device: x.device) - cw / 2;
        var rows = arange(height, device: x.device).view(1, height, 1) - top;
        var columns = arange(width, device: x.device).view(1, 1, width) - left;
        // Row y is in the square when 0 ≤ y − top < ch; likewise the columns.
        var inside = rows.ge(0).logical_and(rows.lt(ch)).logical_and(columns.ge(0)).logical_and(columns.lt(cw));
        return x * inside.logical_not().unsqueeze(1).to(x.dtype);
    }

    private static Tensor Uniform(Tensor x, Generator random) =>
        empty(new long[] { x.shape[0], 1, 1, 1 }, dtype: x.dtype, device: x.device).uniform_(0, 1, generator: random);
}
