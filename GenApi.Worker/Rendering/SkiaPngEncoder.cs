using SkiaSharp;

namespace GenApi.Worker.Rendering;

/// <summary>PNG through SkiaSharp (ImageSharp is not in this project's package mirror).</summary>
public sealed class SkiaPngEncoder : IPngEncoder
{
    public byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"Expected {width * height * channels} bytes, got {pixels.Length}.", nameof(pixels));
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only 1 or 3 channels.");
        var info = new SKImageInfo(width, height, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, channels == 1 ? pixels : ToRgba(pixels));
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte[] ToRgba(ReadOnlySpan<byte> rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }
        return rgba;
    }
}
