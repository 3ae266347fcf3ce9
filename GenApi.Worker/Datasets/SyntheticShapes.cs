namespace GenApi.Worker.Datasets;

/// <summary>
/// A small deterministic dataset of filled discs, squares and crosses on black, 28×28 grayscale:
/// fast enough to build in every test, structured enough that a GAN's output is visibly not noise.
/// </summary>
public static class SyntheticShapes
{
    public const int Size = 28;
    public const int Count = 1024;
    public const int Classes = 3;
    /// <summary>The shape of each label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["circle", "square", "cross"];
    public const int TrainSeed = 20240601;
    public const int TestSeed = 20240602;

    public static ImageDataset Create(int seed = TrainSeed)
    {
        var random = new Random(seed);
        var pixels = new byte[Count * Size * Size];
        var labels = new long[Count];
        for (var n = 0; n < Count; n++)
        {
            var shape = n % Classes;
            labels[n] = shape;
            var radius = random.Next(5, 10);
            var cx = random.Next(radius + 1, Size - radius - 1);
            var cy = random.Next(radius + 1, Size - radius - 1);
            var brightness = (byte)random.Next(160, 256);
            var image = pixels.AsSpan(n * Size * Size, Size * Size);
            for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
            {
                int dx = x - cx, dy = y - cy;
                var inside = shape switch
                {
                    0 => dx * dx + dy * dy <= radius * radius,
                    1 => Math.Abs(dx) <= radius * 3 / 4 && Math.Abs(dy) <= radius * 3 / 4,
                    _ => (Math.Abs(dx) <= 1 && Math.Abs(dy) <= radius) || (Math.Abs(dy) <= 1 && Math.Abs(dx) <= radius),
                };
                if (inside) image[y * Size + x] = brightness;
            }
        }
        return ImageDataset.FromBytes("synthetic", pixels, labels, Count, 1, Size, Classes);
    }
}
