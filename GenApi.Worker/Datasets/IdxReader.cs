using System.Buffers.Binary;
using System.IO.Compression;

namespace GenApi.Worker.Datasets;

/// <summary>Reads the big-endian IDX format of (Fashion-)MNIST, gzipped or not.</summary>
public static class IdxReader
{
    /// <summary>Returns the dimensions and the raw unsigned bytes of an IDX file of type 0x08 (ubyte).</summary>
    public static (int[] Dimensions, byte[] Data) Read(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        Span<byte> header = stackalloc byte[4];
        stream.ReadExactly(header);
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08)
            throw new InvalidDataException($"{path} is not an unsigned-byte IDX file.");
        var dimensions = new int[header[3]];
        for (var i = 0; i < dimensions.Length; i++)
        {
            stream.ReadExactly(header);
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header);
        }
        var data = new byte[dimensions.Aggregate(1L, (a, d) => a * d)];
        stream.ReadExactly(data);
        return (dimensions, data);
    }
}
