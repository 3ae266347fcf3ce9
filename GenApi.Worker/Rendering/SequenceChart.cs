using SkiaSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Rendering;

/// <summary>
/// Lays generated sequences out as a grid of small line charts, one per sequence, one coloured line per feature, on the
/// [-1, 1] scale the model works in (a faint line marks 0). No text: charts need no font, and a grid of hundreds of
/// sparklines reads by shape.
/// </summary>
public static class SequenceChart
{
    public const int CellHeight = 48;
    private const int Padding = 2;
    private static readonly SKColor[] Palette =
        [new(0x4e, 0xc9, 0xff), new(0xff, 0xa0, 0x40), new(0x7e, 0xe0, 0x7e), new(0xff, 0x6b, 0x8b), new(0xc0, 0x9b, 0xff), new(0xff, 0xe0, 0x60)];

    /// <summary>Width of one chart: two pixels a step, at least 64.</summary>
    public static int CellWidth(int steps) => Math.Max(64, 2 * steps);

    /// <summary>Renders sequences <c>[N, 1, T, F]</c> in [-1, 1] as <paramref name="columns"/> (default ≈√N) charts a row, each
    /// <see cref="CellWidth"/> × <see cref="CellHeight"/> pixels times <paramref name="scale"/>; without a border when N is 1.</summary>
    public static byte[] RenderPng(Tensor sequences, int? columns = null, int scale = 1)
    {
        var values = sequences.detach().cpu().clamp(-1, 1).to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var (count, steps, features) = ((int)sequences.shape[0], (int)sequences.shape[2], (int)sequences.shape[3]);
        var padding = count == 1 ? 0 : Padding;
        var cols = Math.Clamp(columns ?? (int)Math.Ceiling(Math.Sqrt(count)), 1, count);
        var rows = (count + cols - 1) / cols;
        var (width, height) = (CellWidth(steps) * scale, CellHeight * scale);
        var info = new SKImageInfo(cols * (width + padding) + padding, rows * (height + padding) + padding, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Black);
        using var axis = new SKPaint { Color = new SKColor(0x40, 0x40, 0x40), StrokeWidth = 1, IsAntialias = false };
        using var cell = new SKPaint { Color = new SKColor(0x14, 0x14, 0x14), Style = SKPaintStyle.Fill };
        using var line = new SKPaint { StrokeWidth = Math.Max(1, scale), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeJoin = SKStrokeJoin.Round };
        for (var n = 0; n < count; n++)
        {
            float left = n % cols * (width + padding) + padding, top = n / cols * (height + padding) + padding;
            canvas.DrawRect(left, top, width, height, cell);
            float Y(float v) => top + (1 - (v + 1) / 2) * (height - 1);
            canvas.DrawLine(left, Y(0), left + width - 1, Y(0), axis);
            for (var f = 0; f < features; f++)
            {
                var points = new SKPoint[steps];
                for (var t = 0; t < steps; t++)
                    points[t] = new SKPoint(left + (steps == 1 ? 0 : t * (width - 1f) / (steps - 1)), Y(values[(n * steps + t) * features + f]));
                line.Color = Palette[f % Palette.Length];
                // Polygon mode joins consecutive points: one polyline.
                canvas.DrawPoints(SKPointMode.Polygon, points, line);
            }
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
