namespace GenApi.Worker.Datasets;

/// <summary>Reads CIFAR-10's binary batches: records of one label byte and 3×32×32 pixel bytes (planar R, G, B).</summary>
public static class Cifar10Reader
{
    public const int Size = 32;
    private const int RecordBytes = 1 + 3 * Size * Size;

    public static (byte[] Pixels, long[] Labels) Read(IReadOnlyList<string> files)
    {
        var batches = files.Select(File.ReadAllBytes).ToList();
        var count = 0;
        for (var i = 0; i < files.Count; i++)
        {
            if (batches[i].Length == 0 || batches[i].Length % RecordBytes != 0)
                throw new InvalidDataException($"{files[i]} is not a CIFAR-10 binary batch: its length is not a multiple of {RecordBytes} bytes.");
            count += batches[i].Length / RecordBytes;
        }
        var pixels = new byte[count * (RecordBytes - 1)];
        var labels = new long[count];
        var n = 0;
        for (var i = 0; i < files.Count; i++)
        for (var offset = 0; offset < batches[i].Length; offset += RecordBytes, n++)
        {
            var label = batches[i][offset];
            if (label > 9) throw new InvalidDataException($"{files[i]}: label {label} at byte {offset} is not 0…9.");
            labels[n] = label;
            batches[i].AsSpan(offset + 1, RecordBytes - 1).CopyTo(pixels.AsSpan(n * (RecordBytes - 1)));
        }
        return (pixels, labels);
    }
}
