using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace GenApi.Worker.Exchange;

/// <summary>One tensor of a safetensors header: its type, shape and byte range in the data that follows the header.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>A safetensors header that was checked against the file it heads (<see cref="SafetensorsFile.ReadHeader"/>).</summary>
/// <param name="DataStart">Where the tensors' bytes begin: 8 + the header's length.</param>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsEntry> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart);

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
/// shape and byte range, then the bytes. Writing goes through TorchSharp.PyBridge; this adds the <c>__metadata__</c> map
/// PyBridge does not write (the model's config). Reading checks every claim of the header against the file before a byte
/// of tensor data is allocated, because an imported file is untrusted input.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>The format's own bound on the header (the reference implementation refuses more).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private const string MetadataKey = "__metadata__";

    /// <summary>Bytes per element of each dtype the format names.</summary>
    public static IReadOnlyDictionary<string, int> ElementSizes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>Writes <paramref name="tensors"/> with <paramref name="metadata"/> in the header.</summary>
    public static void Write(Stream target, Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var plain = new MemoryStream();
        TorchSharp.PyBridge.Safetensors.SaveStateDict(plain, tensors, leaveOpen: true);
        var bytes = plain.GetBuffer().AsSpan(0, (int)plain.Length);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(bytes.Slice(8, length))!.AsObject();
        var withMetadata = new JsonObject { [MetadataKey] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))) };
        foreach (var (name, entry) in header.ToList())
        {
            header.Remove(name);
            withMetadata[name] = entry;
        }
        var json = Encoding.UTF8.GetBytes(withMetadata.ToJsonString());
        // Spaces pad the header so the tensors start 8-byte aligned, as the reference writer does.
        var padded = (json.Length + 7) / 8 * 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        target.Write(prefix);
        target.Write(json);
        for (var i = json.Length; i < padded; i++) target.WriteByte((byte)' ');
        target.Write(bytes[(8 + length)..]);
    }

    /// <summary>Reads and checks the header of a seekable <paramref name="stream"/> of <paramref name="length"/> bytes.</summary>
    /// <exception cref="InvalidDataException">The header is not a valid safetensors header for this file; the message says why.</exception>
    public static SafetensorsHeader ReadHeader(Stream stream, long length)
    {
        if (length < 8) throw new InvalidDataException($"The file has {length} bytes: a safetensors file starts with an 8-byte header length.");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        var declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared > (ulong)(length - 8))
            throw new InvalidDataException($"The header length ({declared:N0} bytes) runs past the end of the file ({length:N0} bytes).");
        if ((long)declared > MaxHeaderBytes)
            throw new InvalidDataException($"The header is {declared:N0} bytes; safetensors allows at most {MaxHeaderBytes:N0}.");
        var json = new byte[(int)declared];
        stream.ReadExactly(json);
        // JSON's reader accepts invalid UTF-8 inside strings and fails later, when a name is read: refused here, with words.
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw new InvalidDataException("The header is not JSON: it is not valid UTF-8.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"The header is not JSON: {error.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("The header is not a JSON object.");
            var dataLength = length - 8 - (long)declared;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw new InvalidDataException($"The header names '{property.Name}' twice.");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata);
                else entries.Add(ReadEntry(property.Name, property.Value, dataLength));
            }
            CheckLayout(entries, dataLength);
            return new SafetensorsHeader(entries, metadata, 8 + (long)declared);
        }
    }

    /// <summary>The tensors of a file whose header <see cref="ReadHeader"/> accepted, in their stored types.</summary>
    public static Dictionary<string, Tensor> ReadTensors(Stream stream)
    {
        stream.Position = 0;
        return TorchSharp.PyBridge.Safetensors.LoadStateDict(stream, leaveOpen: true);
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{MetadataKey} must be an object of strings.");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String) throw new InvalidDataException($"{MetadataKey}.{item.Name} must be a string.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"Tensor '{name}' is not described by an object.");
        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"Tensor '{name}' has no dtype.");
        var type = dtype.GetString()!;
        if (!ElementSizes.TryGetValue(type, out var size))
            throw new InvalidDataException($"Tensor '{name}' has the unknown dtype '{type}'; expected one of {string.Join(", ", ElementSizes.Keys)}.");
        if (!value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array || shapeJson.GetArrayLength() > 8)
            throw new InvalidDataException($"Tensor '{name}' has no shape (an array of at most 8 sizes).");
        var shape = shapeJson.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var n) && n >= 0 ? n
            : throw new InvalidDataException($"Tensor '{name}' has a shape that is not a list of sizes ≥ 0.")).ToArray();
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end))
            throw new InvalidDataException($"Tensor '{name}' has no data_offsets [begin, end].");
        if (begin < 0 || end < begin || end > dataLength)
            throw new InvalidDataException($"Tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength:N0} bytes of data.");
        // A declared shape is believed only as far as the bytes it claims are really there (a memory bomb declares more).
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * size);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"Tensor '{name}' declares a shape of more elements than any file can hold.");
        }
        if (bytes != end - begin)
            throw new InvalidDataException($"Tensor '{name}' declares {bytes:N0} bytes ({type}, shape [{string.Join(", ", shape)}]) but its data_offsets hold {end - begin:N0}.");
        return new SafetensorsEntry(name, type, shape, begin, end);
    }

    // The data is the tensors back to back: no byte is claimed twice and none is left over.
    private static void CheckLayout(List<SafetensorsEntry> entries, long dataLength)
    {
        var position = 0L;
        SafetensorsEntry? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < position)
                throw new InvalidDataException($"Tensors '{previous!.Name}' and '{entry.Name}' overlap in the data.");
            if (entry.Begin > position)
                throw new InvalidDataException($"Bytes {position:N0}…{entry.Begin:N0} of the data belong to no tensor.");
            position = entry.End;
            previous = entry;
        }
        if (position != dataLength) throw new InvalidDataException($"The last {dataLength - position:N0} bytes of the data belong to no tensor.");
    }
}
