namespace GenApi.Worker.Datasets;

/// <summary>An image whose header declares more pixels than the server decodes (a decompression bomb, or just too big).</summary>
public sealed class ImageTooLargeException(int width, int height, long maxPixels)
    : Exception($"The image declares {width}×{height} pixels; at most {maxPixels:N0} pixels are decoded here (Datasets:MaxImagePixels).");
