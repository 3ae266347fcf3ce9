using GenApi.Worker.Contracts;
using GenApi.Worker.Telemetry;
using static TorchSharp.torch;

namespace GenApi.Worker.Rendering;

/// <summary>Lays generated images out as one PNG grid, like torchvision's <c>make_grid</c>.</summary>
public sealed class SampleGrid(IPngEncoder encoder)
{
    public const int Padding = 2;

    /// <summary>
    /// Renders <c>[N, C, H, W]</c> images in [-1, 1] as a grid of <paramref name="columns"/> (default ≈√N) columns,
    /// each pixel enlarged to <paramref name="scale"/>×<paramref name="scale"/> (nearest neighbour).
    /// </summary>
    public byte[] RenderPng(Tensor images, int? columns = null, int scale = 1) => Render(images, columns, scale, Padding);

    /// <summary>Samples of a model of <paramref name="config"/> as a PNG grid: images, or line charts when they are sequences.</summary>
    public byte[] RenderPng(Tensor samples, ModelConfig config, int? columns = null, int scale = 1) =>
        config.Recurrent?.Values is null ? RenderPng(samples, columns, scale) : SequenceChart.RenderPng(samples, columns, scale);

    /// <summary>One sample (<c>[1, C, H, W]</c>) of a model of <paramref name="config"/> as PNG, without a border.</summary>
    public byte[] RenderSinglePng(Tensor sample, ModelConfig config, int scale = 1) =>
        config.Recurrent?.Values is null ? RenderSinglePng(sample, scale) : SequenceChart.RenderPng(sample, 1, scale);

    /// <summary>One image (<c>[1, C, H, W]</c>) as PNG of exactly the model's size × <paramref name="scale"/>: no border.</summary>
    public byte[] RenderSinglePng(Tensor image, int scale = 1) => Render(image, 1, scale, padding: 0);

    private byte[] Render(Tensor images, int? columns, int scale, int padding)
    {
        using var scope = NewDisposeScope();
        // [-1, 1] → 0…255, rounded to nearest; enlarged only then, so a big grid costs one byte a pixel, not four.
        var pixels = images.detach().cpu().clamp(-1, 1).add(1).mul(127.5).round().to(ScalarType.Byte);
        if (scale > 1) pixels = pixels.repeat_interleave(scale, 2).repeat_interleave(scale, 3);
        var (count, channels, height, width) = ((int)pixels.shape[0], (int)pixels.shape[1], (int)pixels.shape[2], (int)pixels.shape[3]);
        var cols = Math.Clamp(columns ?? (int)Math.Ceiling(Math.Sqrt(count)), 1, count);
        var rows = (count + cols - 1) / cols;
        var cellH = height + padding;
        var cellW = width + padding;

        // One layout for the whole grid (a few tensor operations, not three per image): blank cells fill the last row,
        // each image takes its padding on the right and below, the grid its first padding on the left and above.
        if (rows * cols > count) pixels = cat([pixels, zeros(new long[] { rows * cols - count, channels, height, width }, ScalarType.Byte)]);
        var grid = nn.functional.pad(pixels, [0, padding, 0, padding])
            .view(rows, cols, channels, cellH, cellW).permute(2, 0, 3, 1, 4).reshape(channels, rows * cellH, cols * cellW);
        grid = nn.functional.pad(grid, [padding, 0, padding, 0]);
        var interleaved = grid.permute(1, 2, 0).contiguous();
        var bytes = interleaved.data<byte>().ToArray();
        return Telemetry.Tracing.Measure("encode png", WorkerMetrics.PngEncodeDuration,
            () => encoder.Encode(bytes, (int)grid.shape[2], (int)grid.shape[1], channels));
    }
}
