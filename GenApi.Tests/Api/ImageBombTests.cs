using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Json;
using GenApi.Contracts;

namespace GenApi.Tests.Api;

/// <summary>Images whose headers declare huge sizes are refused from the header, before pixel memory is taken.</summary>
public sealed class ImageBombTests
{
    [Fact]
    public async Task HugeDeclaredImages_Are400_InUploadsAndReconstruct_WithFlatMemory()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var before = Rss();

        foreach (var (width, height) in new[] { (100_000, 100_000), (12_000, 12_000) })
        {
            var upload = await DatasetUploadTests.UploadAsync(client, DatasetUploadTests.Zip(($"bomb-{width}.png", Png(width, height))));
            var errors = await BadInputTests.ValidationErrorsAsync(upload);
            Assert.Contains($"bomb-{width}.png", errors["body"][0]);
            Assert.Contains("at most", errors["body"][0]);
        }

        var vae = await app.PostJobAsync(client, new { model = "vae", dataset = "synthetic", steps = 2, batchSize = 8, baseChannels = 8, latentDim = 4, seed = 1 });
        var model = (await GenApiFactory.WaitForFinishAsync(client, vae.Id, TimeSpan.FromSeconds(60))).ModelId;
        var reconstruct = await client.PostAsync($"/v1/models/{model}/reconstruct", new ByteArrayContent(Png(100_000, 100_000)));
        Assert.Contains("at most", (await BadInputTests.ValidationErrorsAsync(reconstruct))["body"][0]);
        var truncated = await client.PostAsync($"/v1/models/{model}/reconstruct", new ByteArrayContent(Png(64, 64)[..40]));
        Assert.Contains("body", (await BadInputTests.ValidationErrorsAsync(truncated)).Keys);

        // A replayed reconstruction is the same PNG, byte for byte.
        async Task<byte[]> ReconstructOnce()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/models/{model}/reconstruct") { Content = new ByteArrayContent(DatasetUploadTests.Png(28, 28, SkiaSharp.SKColors.Gray)) };
            request.Headers.Add("Idempotency-Key", "reconstruct-1");
            var response = await client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
            return await response.Content.ReadAsByteArrayAsync();
        }
        var original = await ReconstructOnce();
        Assert.Equal(original, await ReconstructOnce());

        // Decoding 12000×12000 RGBA alone would take 576 MB.
        Assert.True(Rss() - before < 300L * 1024 * 1024, $"memory grew by {(Rss() - before) / 1024 / 1024} MB");
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    /// <summary>A valid PNG header declaring <paramref name="width"/>×<paramref name="height"/> grayscale pixels, with one tiny row of data.</summary>
    internal static byte[] Png(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth; colour type 0 (gray), deflate, no filter, no interlace
        Chunk(png, "IHDR", header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(new byte[1 + Math.Min(width, 64)]);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var body = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(body);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(body));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
