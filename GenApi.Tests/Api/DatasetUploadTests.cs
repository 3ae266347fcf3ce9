using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Api;

public sealed class DatasetUploadTests
{
    internal static byte[] Png(int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    internal static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        return buffer.ToArray();
    }

    internal static Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] zip, string name = "test")
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return client.PostAsync($"/v1/datasets?name={name}", content);
    }

    // A missing built-in dataset once named the server's folder to every team; a job asking for it gets the same words.
    [Fact]
    public async Task MissingBuiltInDatasets_AreExplainedWithoutServerPaths()
    {
        var folder = TestPaths.NewScratch();
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: new Dictionary<string, string> { ["Datasets:MnistPath"] = folder });
        var client = app.CreateClient();
        using var list = await client.GetAsync("/v1/datasets");
        var body = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(folder, body);
        var mnist = (await list.Content.ReadFromJsonAsync<List<DatasetResponse>>(GenApiFactory.Json))!.Single(d => d.Id == "mnist");
        Assert.False(mnist.Available);
        Assert.Contains("Datasets:MnistPath", mnist.Problem);
        using var job = await client.PostAsJsonAsync("/v1/jobs", new { dataset = "mnist", steps = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, job.StatusCode);
        Assert.DoesNotContain(folder, await job.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UploadedZip_WithClassFolders_BecomesALabelledDataset_ThatACdcganTrainsOn()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        // Nested under one top folder, as `zip -r shapes.zip shapes/` makes it; mixed sizes, formats and colours.
        var entries = Enumerable.Range(0, 24).Select(i => (
            $"shapes/{(i % 2 == 0 ? "dark" : "light")}/{i}.{(i % 3 == 0 ? "jpg" : "png")}",
            Png(40 + i, 30 + 2 * i, i % 2 == 0 ? new SKColor(20, 40, 60) : new SKColor(230, 200, 180),
                i % 3 == 0 ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png))).Append(("__MACOSX/shapes/._0.png", new byte[] { 1, 2, 3 })).ToArray();
        var response = await UploadAsync(client, Zip(entries), "two-tones");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = (await response.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        Assert.Equal((24, 64, 3, "two-tones"), (dataset.Count!.Value, dataset.ImageSize!.Value, dataset.Channels!.Value, dataset.Name));
        Assert.Equal(["dark", "light"], dataset.Classes);
        Assert.Contains(await client.GetFromJsonAsync<List<DatasetResponse>>("/v1/datasets", GenApiFactory.Json) ?? [], d => d.Id == dataset.Id);

        var job = await app.PostJobAsync(client, new
        {
            model = "cdcgan", dataset = dataset.Id, imageSize = 32, steps = 4, batchSize = 8, baseChannels = 4, latentDim = 8, seed = 1,
        });
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60));
        Assert.True(done.Status == JobStatus.Succeeded, done.Error);
        var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
        Assert.Equal((32, 3, 2), (model.ImageSize, model.Channels, model.Classes));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/datasets/{dataset.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/datasets/{dataset.Id}")).StatusCode);
        var again = await client.PostAsJsonAsync("/v1/jobs", new { dataset = dataset.Id });
        Assert.Contains("dataset", (await BadInputTests.ValidationErrorsAsync(again)).Keys);
    }

    [Fact]
    public async Task GrayImagesInOneFolder_MakeAnUnlabelledOneChannelDataset_ThatConditionalModelsRefuse()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var response = await UploadAsync(client, Zip(Enumerable.Range(0, 4).Select(i => ($"{i}.png", Png(64, 64, new SKColor(90, 90, 90)))).ToArray()));
        var dataset = (await response.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        Assert.Equal((1, 0), (dataset.Channels!.Value, dataset.Classes.Count));
        var errors = await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync("/v1/jobs", new { model = "cvae", dataset = dataset.Id }));
        Assert.Contains("no labels", errors["dataset"][0]);
    }

    public static TheoryData<string, byte[]> Refused => new()
    {
        { "unsafe path", Zip(("../escape.png", Png(8, 8, SKColors.Red))) },
        { "unsafe path", Zip(("ok/../../escape.png", Png(8, 8, SKColors.Red))) },
        { "unsafe path", Zip(("/abs.png", Png(8, 8, SKColors.Red))) },
        { "not an image", Zip(("a.png", Png(8, 8, SKColors.Red)), ("notes.txt", "hello"u8.ToArray())) },
        { "is not a PNG or JPEG", Zip(("a.png", Png(8, 8, SKColors.Red)), ("fake.png", "not really a png"u8.ToArray())) },
        { "at most 5 are allowed", Zip(Enumerable.Range(0, 6).Select(i => ($"{i}.png", Png(8, 8, SKColors.Red))).ToArray()) },
        { "unpacks to", Zip(("big.png", new byte[300_000])) },
        { "not a zip", "PK but not really"u8.ToArray() },
        { "no images", Zip() },
        { "central directory is corrupt", CorruptEntryCount(Zip(("a.png", Png(8, 8, SKColors.Red)), ("b.png", Png(8, 8, SKColors.Red)))) },
        { "in class folders and some are not", Zip(("a/1.png", Png(8, 8, SKColors.Red)), ("2.png", Png(8, 8, SKColors.Red))) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task HostileOrBrokenUploads_AreRefusedWithA400_AndLeaveNothingBehind(string reason, byte[] zip)
    {
        var data = TestPaths.NewScratch();
        await using var app = new GenApiFactory(data, settings: new Dictionary<string, string>
        {
            ["Datasets:MaxImages"] = "5", ["Datasets:MaxUncompressedBytes"] = "200000",
        });
        var client = app.CreateClient();
        var errors = await BadInputTests.ValidationErrorsAsync(await UploadAsync(client, zip));
        Assert.Contains(reason, errors["body"][0]);
        var folder = Path.Combine(data, "datasets");
        Assert.True(!Directory.Exists(folder) || Directory.GetFileSystemEntries(folder).Length == 0, "a refused upload left files behind");
    }

    [Fact]
    public async Task AnEntryThatUnpacksToMoreThanItDeclares_IsCutAtItsDeclaredSize_AndRefused()
    {
        var data = TestPaths.NewScratch();
        await using var app = new GenApiFactory(data);
        var client = app.CreateClient();
        var zip = Zip(("bomb.png", new byte[100_000]));
        // Shrink the declared uncompressed size (local header offset 22, central directory entry offset 24) to 1 KB.
        var central = FindSignature(zip, [0x50, 0x4b, 0x01, 0x02]);
        BitConverter.GetBytes(1024).CopyTo(zip, 22);
        BitConverter.GetBytes(1024).CopyTo(zip, central + 24);
        var errors = await BadInputTests.ValidationErrorsAsync(await UploadAsync(client, zip));
        Assert.Contains("bomb.png", errors["body"][0]);
        Assert.False(Directory.Exists(Path.Combine(data, "datasets")) && Directory.GetFileSystemEntries(Path.Combine(data, "datasets")).Length > 0);
    }

    [Fact]
    public async Task AnUploadOverTheLimit_Is413()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string> { ["Datasets:MaxUploadBytes"] = "2048" });
        var response = await UploadAsync(app.CreateClient(), new byte[4096]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    // The end-of-central-directory record claims more entries than the directory holds.
    private static byte[] CorruptEntryCount(byte[] zip)
    {
        var end = FindSignature(zip, [0x50, 0x4b, 0x05, 0x06]);
        BitConverter.GetBytes((ushort)40).CopyTo(zip, end + 8);
        BitConverter.GetBytes((ushort)40).CopyTo(zip, end + 10);
        return zip;
    }

    private static int FindSignature(byte[] bytes, byte[] signature)
    {
        for (var i = 0; i <= bytes.Length - signature.Length; i++)
            if (bytes.AsSpan(i, signature.Length).SequenceEqual(signature)) return i;
        throw new InvalidOperationException("signature not found");
    }
}
