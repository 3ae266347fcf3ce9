using SkiaSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Datasets;

/// <summary>Turns decoded images of any shape into the square planar pixels models train on.</summary>
public static class SquareImage
{
    /// <summary>Centre-crops to a square, resizes to size×size RGB planes; returns whether the image is gray.</summary>
    public static bool ToRgbPlanes(SKBitmap bitmap, int size, Span<byte> planes)
    {
        var side = Math.Min(bitmap.Width, bitmap.Height);
        using var square = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(square))
        using (var image = SKImage.FromBitmap(bitmap))
        {
            canvas.Clear(SKColors.Black);
            var source = SKRect.Create((bitmap.Width - side) / 2f, (bitmap.Height - side) / 2f, side, side);
            canvas.DrawImage(image, source, SKRect.Create(size, size), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }
        var rgba = square.GetPixelSpan();
        var gray = true;
        var plane = size * size;
        for (var p = 0; p < plane; p++)
        {
            byte r = rgba[p * 4], g = rgba[p * 4 + 1], b = rgba[p * 4 + 2];
            planes[p] = r;
            planes[plane + p] = g;
            planes[2 * plane + p] = b;
            gray &= r == g && g == b;
        }
        return gray;
    }

    /// <summary>
    /// Decodes PNG or JPEG bytes for a <paramref name="targetSize"/>-pixel square; null when they are neither or do
    /// not decode. The header is read first: an image declaring more than <paramref name="maxPixels"/> pixels is
    /// refused before any pixel memory is allocated (a 115-byte PNG can declare 12000×12000), and JPEGs are decoded
    /// subsampled towards the target size.
    /// </summary>
    /// <exception cref="ImageTooLargeException">The header declares more pixels than allowed.</exception>
    public static SKBitmap? TryDecode(byte[] bytes, long maxPixels, int targetSize)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null) return null;
        var declared = codec.Info;
        if ((long)declared.Width * declared.Height > maxPixels || declared.Width <= 0 || declared.Height <= 0)
            throw new ImageTooLargeException(declared.Width, declared.Height, maxPixels);
        var scale = Math.Min(1f, (float)targetSize / Math.Min(declared.Width, declared.Height));
        var dimensions = codec.GetScaledDimensions(scale);
        var info = new SKImageInfo(dimensions.Width, dimensions.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is SKCodecResult.Success or SKCodecResult.IncompleteInput) return bitmap;
        bitmap.Dispose();
        return null;
    }

    /// <summary>Decodes a PNG or JPEG into <c>[channels, size, size]</c> in [-1, 1]; null when the bytes are not an image.</summary>
    /// <exception cref="ImageTooLargeException">The header declares more pixels than allowed.</exception>
    public static Tensor? Decode(byte[] bytes, int size, int channels, long maxPixels)
    {
        using var bitmap = TryDecode(bytes, maxPixels, size);
        if (bitmap is null) return null;
        var planes = new byte[3 * size * size];
        ToRgbPlanes(bitmap, size, planes);
        using var rgb = tensor(planes, new long[] { 3, size, size }).to(float32);
        // Gray: ITU-R BT.601 luma, the usual RGB → gray weights.
        using var pixels = channels == 1 ? (rgb[0] * 0.299 + rgb[1] * 0.587 + rgb[2] * 0.114).unsqueeze(0) : rgb.alias();
        return pixels.div(127.5).sub_(1.0);
    }
}
