namespace GenApi.Worker.Rendering;

/// <summary>Encodes 8-bit pixels as PNG. One seam, so the imaging library can change without touching callers.</summary>
public interface IPngEncoder
{
    /// <param name="pixels">Row-major, <paramref name="channels"/> bytes per pixel (1 = gray, 3 = RGB).</param>
    byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels);
}
