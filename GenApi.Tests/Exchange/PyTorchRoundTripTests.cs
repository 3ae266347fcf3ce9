using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Exchange;

/// <summary>
/// Exported weights leave GenApi: README's PyTorch definitions, run by a real PyTorch (Debian's python3-torch, which
/// <c>.ci/run</c> installs), load each image family's export and draw the pixels <c>samples/{i}.png</c> serves for the same seed.
/// </summary>
public sealed class PyTorchRoundTripTests
{
    /// <summary>Debian's interpreter, where python3-torch installs (a pyenv shim on PATH may not see it).</summary>
    private const string Python = "/usr/bin/python3";
    private const int Count = 6;
    private const long Seed = 11;

    private const string Driver = """

        import sys
        fmt, path, prefix, seed, count = sys.argv[1:6]
        if fmt == "safetensors":
            state, meta = load_safetensors(path)
            config = json.loads(meta["genapi.config"])
        else:
            state, config = torch.load(path), json.loads(sys.argv[6])
        print(json.dumps(sample(generator(config, state, prefix), config, int(seed), int(count)).flatten().tolist()))
        """;

    public static TheoryData<string, bool> Families => new() { { "dcgan", true }, { "cdcgan", false }, { "gan", false }, { "vae", true } };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task ExportedWeights_InReadmesPyTorchNetworks_DrawTheSamplesOfTheApi(string family, bool ema)
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, new
        {
            model = family, dataset = "synthetic", steps = 12, batchSize = 16, seed = 3, baseChannels = 8, latentDim = 16, checkpointEvery = 12,
            sampleEvery = 12, emaDecay = ema ? 0.9 : (double?)null,
        });
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromMinutes(2));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status}: {done.Error}");
        var model = done.ModelId!;
        var card = (await client.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{model}/card", GenApiFactory.Json))!;
        Assert.Equal(ema, card.Architecture.Ema);
        var prefix = ema ? "generator-ema" : "generator";
        Assert.Contains(prefix, card.Networks);

        var expected = new List<byte>();
        for (var i = 0; i < Count; i++)
        {
            using var image = SKBitmap.Decode(await client.GetByteArrayAsync($"/v1/models/{model}/samples/{i}.png?seed={Seed}"));
            for (var y = 0; y < image.Height; y++)
                for (var x = 0; x < image.Width; x++) expected.Add(image.GetPixel(x, y).Red);
        }

        var folder = TestPaths.NewScratch();
        var script = Path.Combine(folder, "genapi_pytorch.py");
        await File.WriteAllTextAsync(script, ReadmePython() + Driver);
        var architecture = JsonSerializer.Serialize(card.Architecture, GenApiFactory.Json);
        foreach (var format in new[] { "safetensors", "pt" })
        {
            var file = Path.Combine(folder, $"weights.{format}");
            await File.WriteAllBytesAsync(file, await client.GetByteArrayAsync($"/v1/models/{model}/weights.{format}"));
            var pixels = JsonSerializer.Deserialize<int[]>(await RunAsync(script, format, file, prefix, Seed.ToString(), Count.ToString(), architecture))!;
            Assert.Equal(expected.Count, pixels.Length);
            // fp32 in two libtorch versions: a pixel may round the other way at a .5 boundary, no more.
            var off = pixels.Select((p, i) => Math.Abs(p - expected[i])).ToList();
            Assert.True(off.Max() <= 1, $"{family} {format}: a pixel differs by {off.Max()} levels");
            Assert.True(off.Count(d => d > 0) <= expected.Count / 100, $"{family} {format}: {off.Count(d => d > 0)} of {expected.Count} pixels differ");
        }
    }

    /// <summary>README's PyTorch block: the one after "The sampling networks in PyTorch".</summary>
    internal static string ReadmePython()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var start = readme.IndexOf("```python\n", readme.IndexOf("The sampling networks in PyTorch", StringComparison.Ordinal), StringComparison.Ordinal) + "```python\n".Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: install python3-torch (apt-get install python3-torch), as .ci/run does.");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"python exited {process.ExitCode}: {await error}");
        return await output;
    }
}
