using System.Text;
using GenApi.Worker.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>
/// The file format of compressed networks: each weight tensor stored as fp32, fp16, bf16 or int8 (per-channel symmetric:
/// one scale per slice of its first axis, max |w| / 127), densely or, where it is smaller, as a bit mask of its non-zeros
/// followed by their values. Biases, batch-norm parameters and counters stay exact. Loading dequantizes into the
/// network's fp32 parameters (<see cref="Load"/>), so every sampling path runs unchanged.
/// </summary>
public static class WeightCodec
{
    private static readonly byte[] Magic = "GNWC"u8.ToArray();
    private const int Version = 1;
    private const byte Sparse = 0x80;

    private enum WeightEncoding : byte { Fp32 = 0, Fp16 = 1, Bf16 = 2, Int8 = 3, Int64 = 4 }

    /// <summary>Whether <paramref name="path"/> is in this format (rather than TorchSharp's own).</summary>
    public static bool IsEncoded(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return file.Read(head) == 4 && head.SequenceEqual(Magic);
    }

    /// <summary>Whether <paramref name="path"/> is a safetensors file: a little-endian header length within the file, then JSON.
    /// A TorchSharp file starts with its entry count and a parameter name, never with eight bytes and a brace.</summary>
    public static bool IsSafetensors(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        return file.Read(head) == 9 && head[8] == (byte)'{'
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head) is var length && length >= 2 && length <= (ulong)file.Length - 8;
    }

    /// <summary>Writes <paramref name="network"/>'s state (parameters and buffers, fp32) as safetensors: how stored models keep their
    /// fp32 networks, readable by any safetensors library.</summary>
    public static void SaveSafetensors(nn.Module network, string path)
    {
        // Host copies (a GPU worker's weights): the scope frees them, never the network's own tensors, made outside it.
        using var scope = NewDisposeScope();
        TorchSharp.PyBridge.Safetensors.SaveStateDict(path, network.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().cpu()));
    }

    /// <summary>Loads a network file into <paramref name="network"/>: safetensors, this format, or TorchSharp's (models stored
    /// before safetensors).</summary>
    public static void Load(nn.Module network, string path)
    {
        if (IsSafetensors(path))
        {
            LoadSafetensors(network, path);
            return;
        }
        if (!IsEncoded(path))
        {
            network.load(path);
            return;
        }
        var state = network.state_dict();
        using var reader = OpenEncoded(path, out var count);
        using var noGrad = no_grad();
        for (var i = 0; i < count; i++)
        {
            var (name, shape) = ReadEntry(reader);
            if (!state.TryGetValue(name, out var target) || !target.shape.SequenceEqual(shape))
                throw new InvalidDataException($"{path}: '{name}' does not fit the network.");
            target.copy_(Decode(ReadCodes(reader, shape), shape));
        }
    }

    // Every tensor of the network from the file, of its shape, and nothing else: a stored model is one architecture.
    private static void LoadSafetensors(nn.Module network, string path)
    {
        var given = TorchSharp.PyBridge.Safetensors.LoadStateDict(path);
        try
        {
            var state = network.state_dict();
            if (given.Keys.Except(state.Keys).FirstOrDefault() is { } extra) throw new InvalidDataException($"{path}: '{extra}' does not fit the network.");
            using var noGrad = no_grad();
            foreach (var (name, target) in state)
            {
                if (!given.TryGetValue(name, out var value) || !value.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"{path}: '{name}' is missing or of another shape.");
                target.copy_(value);
            }
        }
        finally
        {
            foreach (var value in given.Values) value.Dispose();
        }
    }

    /// <summary>A network file of either format as named fp32 (or integer) tensors, without the network: what fine-tuning
    /// copies from where the shapes fit. The caller disposes the tensors.</summary>
    public static Dictionary<string, Tensor> ReadState(string path)
    {
        if (IsSafetensors(path)) return TorchSharp.PyBridge.Safetensors.LoadStateDict(path);
        var state = new Dictionary<string, Tensor>();
        if (!IsEncoded(path))
        {
            // TorchSharp's module.save: an entry count, then each entry's name and tensor (type, shape, data).
            using var plain = new BinaryReader(File.OpenRead(path));
            var entries = ReadVarint(plain);
            for (var i = 0; i < entries; i++)
            {
                var name = plain.ReadString();
                state[name] = TensorExtensionMethods.Load(plain);
            }
            return state;
        }
        using var reader = OpenEncoded(path, out var count);
        for (var i = 0; i < count; i++)
        {
            var (name, shape) = ReadEntry(reader);
            state[name] = Decode(ReadCodes(reader, shape), shape);
        }
        return state;
    }

    // TorchSharp's length prefix: a little-endian base-128 varint.
    private static long ReadVarint(BinaryReader reader)
    {
        long value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("A TorchSharp weights file has a malformed entry count.");
    }

    /// <summary>Writes <paramref name="network"/>'s state with its weight tensors stored as <paramref name="quantize"/>
    /// (<see cref="CompressionSpec.QuantizeKinds"/>, or null for fp32).</summary>
    public static void Save(nn.Module network, string path, string? quantize)
    {
        var weights = NetworkWeights.Matrices(network).Select(w => w.Name).ToHashSet();
        using var writer = new BinaryWriter(File.Create(path), System.Text.Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(Version);
        var state = network.state_dict();
        writer.Write(state.Count);
        foreach (var (name, tensor) in state)
        {
            writer.Write(name);
            writer.Write((int)tensor.dim());
            foreach (var size in tensor.shape) writer.Write(size);
            var cpu = tensor.detach().cpu().contiguous();
            if (cpu.dtype == ScalarType.Int64) WriteDense(writer, WeightEncoding.Int64, cpu.data<long>().ToArray());
            else if (cpu.dtype != ScalarType.Float32) throw new NotSupportedException($"'{name}' is {cpu.dtype}; networks are stored from fp32.");
            else WriteFloats(writer, cpu.data<float>().ToArray(), (int)(cpu.dim() == 0 ? 1 : cpu.shape[0]),
                !weights.Contains(name) ? WeightEncoding.Fp32 : quantize switch
                {
                    CompressionSpec.Int8 => WeightEncoding.Int8,
                    CompressionSpec.Fp16 => WeightEncoding.Fp16,
                    CompressionSpec.Bf16 => WeightEncoding.Bf16,
                    null => WeightEncoding.Fp32,
                    _ => throw new ArgumentException($"Unknown weight type '{quantize}'."),
                });
        }
    }

    private static void WriteDense(BinaryWriter writer, WeightEncoding encoding, long[] values)
    {
        writer.Write((byte)encoding);
        foreach (var v in values) writer.Write(v);
    }

    private static void WriteFloats(BinaryWriter writer, float[] values, int rows, WeightEncoding encoding)
    {
        float[]? scales = null;
        if (encoding == WeightEncoding.Int8)
        {
            scales = new float[rows];
            var rowLength = values.Length / rows;
            for (var r = 0; r < rows; r++)
            {
                var max = 0f;
                for (var i = r * rowLength; i < (r + 1) * rowLength; i++) max = Math.Max(max, Math.Abs(values[i]));
                scales[r] = max > 0 ? max / 127f : 1f;
            }
        }
        // The stored value of each element; an element whose stored value is zero costs one bit in a sparse tensor.
        var width = encoding switch { WeightEncoding.Int8 => 1, WeightEncoding.Fp16 or WeightEncoding.Bf16 => 2, _ => 4 };
        var codes = new int[values.Length];
        var nonZero = 0;
        for (var i = 0; i < values.Length; i++)
        {
            codes[i] = Encode(values[i], encoding, scales?[i / (values.Length / rows)] ?? 1);
            if (!IsZero(codes[i])) nonZero++;
        }
        var sparse = (values.Length + 7) / 8 + (long)nonZero * width < (long)values.Length * width;
        writer.Write((byte)((byte)encoding | (sparse ? Sparse : 0)));
        if (scales is not null) foreach (var s in scales) writer.Write(s);
        if (sparse)
        {
            var mask = new byte[(values.Length + 7) / 8];
            for (var i = 0; i < values.Length; i++) if (!IsZero(codes[i])) mask[i >> 3] |= (byte)(1 << (i & 7));
            writer.Write(mask);
        }
        for (var i = 0; i < values.Length; i++)
        {
            if (sparse && IsZero(codes[i])) continue;
            switch (width)
            {
                case 1: writer.Write((sbyte)codes[i]); break;
                case 2: writer.Write((ushort)codes[i]); break;
                default: writer.Write(codes[i]); break;
            }
        }
    }

    // −0 (a pruned negative weight times 0) is stored as +0, so it costs a bit in a sparse tensor like any zero.
    private static int Encode(float value, WeightEncoding encoding, float scale) => value == 0 ? 0 : encoding switch
    {
        WeightEncoding.Int8 => (int)Math.Clamp(MathF.Round(value / scale), -127, 127),
        WeightEncoding.Fp16 => BitConverter.HalfToUInt16Bits((Half)value),
        // Round to nearest even on the upper 16 bits of the fp32 pattern.
        WeightEncoding.Bf16 => (int)((BitConverter.SingleToUInt32Bits(value) + 0x7FFF + ((BitConverter.SingleToUInt32Bits(value) >> 16) & 1)) >> 16),
        _ => BitConverter.SingleToInt32Bits(value),
    };

    private static float Decode(int code, WeightEncoding encoding, float scale) => encoding switch
    {
        WeightEncoding.Int8 => code * scale,
        WeightEncoding.Fp16 => (float)BitConverter.UInt16BitsToHalf((ushort)code),
        WeightEncoding.Bf16 => BitConverter.UInt32BitsToSingle((uint)code << 16),
        _ => BitConverter.Int32BitsToSingle(code),
    };

    private static bool IsZero(int code) => code == 0;

    /// <summary>The tensors of a file in this format as stored, for export: int8 weights as int8 with their per-row scales,
    /// fp16 and bf16 weights in their type, the rest as fp32 (or int64 counters). Sparse tensors come back dense.</summary>
    public static IReadOnlyList<StoredTensor> ReadStored(string path)
    {
        using var reader = OpenEncoded(path, out var count);
        var tensors = new List<StoredTensor>(count);
        for (var i = 0; i < count; i++)
        {
            var (name, shape) = ReadEntry(reader);
            var stored = ReadCodes(reader, shape);
            tensors.Add(stored.Encoding switch
            {
                WeightEncoding.Int64 => new StoredTensor(name, tensor(stored.Longs!).view(shape), null),
                WeightEncoding.Int8 => new StoredTensor(name, tensor(stored.Codes.Select(c => (sbyte)c).ToArray()).view(shape), tensor(stored.Scales!)),
                // Every stored half is exact in fp32, so the round trip through it gives back the stored bits.
                WeightEncoding.Fp16 => new StoredTensor(name, Decode(stored, shape).to(ScalarType.Float16), null),
                WeightEncoding.Bf16 => new StoredTensor(name, Decode(stored, shape).to(ScalarType.BFloat16), null),
                _ => new StoredTensor(name, Decode(stored, shape), null),
            });
        }
        return tensors;
    }

    private static BinaryReader OpenEncoded(string path, out int count)
    {
        var reader = new BinaryReader(File.OpenRead(path), System.Text.Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        if (reader.ReadInt32() != Version)
        {
            reader.Dispose();
            throw new InvalidDataException($"{path}: unknown compressed-weights version.");
        }
        count = reader.ReadInt32();
        return reader;
    }

    private static (string Name, long[] Shape) ReadEntry(BinaryReader reader)
    {
        var name = reader.ReadString();
        var shape = new long[reader.ReadInt32()];
        for (var d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
        return (name, shape);
    }

    private sealed record StoredCodes(WeightEncoding Encoding, int[] Codes, long[]? Longs, float[]? Scales, int RowLength);

    private static StoredCodes ReadCodes(BinaryReader reader, long[] shape)
    {
        var header = reader.ReadByte();
        var (encoding, sparse) = ((WeightEncoding)(header & ~Sparse), (header & Sparse) != 0);
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        if (encoding == WeightEncoding.Int64)
        {
            var longs = new long[count];
            for (var i = 0; i < count; i++) longs[i] = reader.ReadInt64();
            return new StoredCodes(encoding, [], longs, null, 1);
        }
        var rows = shape.Length == 0 ? 1 : (int)shape[0];
        float[]? scales = null;
        if (encoding == WeightEncoding.Int8)
        {
            scales = new float[rows];
            for (var r = 0; r < rows; r++) scales[r] = reader.ReadSingle();
        }
        var mask = sparse ? reader.ReadBytes((count + 7) / 8) : null;
        var codes = new int[count];
        for (var i = 0; i < count; i++)
        {
            if (mask is not null && (mask[i >> 3] & (1 << (i & 7))) == 0) continue;
            codes[i] = encoding switch
            {
                WeightEncoding.Int8 => reader.ReadSByte(),
                WeightEncoding.Fp16 or WeightEncoding.Bf16 => reader.ReadUInt16(),
                _ => reader.ReadInt32(),
            };
        }
        return new StoredCodes(encoding, codes, null, scales, Math.Max(1, count / Math.Max(1, rows)));
    }

    private static Tensor Decode(StoredCodes stored, long[] shape)
    {
        if (stored.Longs is not null) return tensor(stored.Longs).view(shape);
        var values = new float[stored.Codes.Length];
        for (var i = 0; i < values.Length; i++)
            values[i] = Decode(stored.Codes[i], stored.Encoding, stored.Scales?[i / stored.RowLength] ?? 1);
        return tensor(values).view(shape);
    }
}

/// <summary>One tensor of a compressed-weights file as stored (<see cref="WeightCodec.ReadStored"/>).</summary>
/// <param name="Scales">Int8 weights: one fp32 scale per slice of the first axis (value = code × scale); null otherwise.</param>
public sealed record StoredTensor(string Name, Tensor Values, Tensor? Scales);
