using System.Net;
using System.Net.Http.Headers;
using GenApi.Worker.Rendering;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace GenApi.Tests.Api;

public sealed class SamplingTests
{
    private const int Cell = 28 + 2; // image + padding

    [Fact]
    public async Task SampleOptions_ShapeTheImage_AndOneSampleEqualsItsGridCell()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var model = (await app.TrainTinyAsync(client, steps: 60)).ModelId;

        using var grid = Decode(await client.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=6&seed=9&nrow=3"));
        Assert.Equal((3 * Cell + 2, 2 * Cell + 2), (grid.Width, grid.Height));
        using var scaled = Decode(await client.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=6&seed=9&nrow=3&scale=2"));
        Assert.Equal((3 * (56 + 2) + 2, 2 * (56 + 2) + 2), (scaled.Width, scaled.Height));

        // Sample 4 of seed 9 alone is the image in row 1, column 1 of the grid.
        using var single = Decode(await client.GetByteArrayAsync($"/v1/models/{model}/samples/4.png?seed=9"));
        // At scale 1 a single sample is exactly the model's image: 28×28, no border.
        Assert.Equal((28, 28), (single.Width, single.Height));
        for (var y = 0; y < 28; y++)
        for (var x = 0; x < 28; x++)
            Assert.Equal(grid.GetPixel(Cell + 2 + x, Cell + 2 + y), single.GetPixel(x, y));
        using var singleScaled = Decode(await client.GetByteArrayAsync($"/v1/models/{model}/samples/4.png?seed=9&scale=3"));
        Assert.Equal((84, 84), (singleScaled.Width, singleScaled.Height));

        using var strip = Decode(await client.GetByteArrayAsync($"/v1/models/{model}/interpolate.png?from=1&to=2&steps=5"));
        Assert.Equal((5 * Cell + 2, Cell + 2), (strip.Width, strip.Height));
        using var first = Decode(await client.GetByteArrayAsync($"/v1/models/{model}/samples/0.png?seed=1"));
        Assert.Equal(first.GetPixel(14, 14), strip.GetPixel(16, 16));

        var truncated = await client.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=16&seed=3&truncation=0.5");
        Assert.NotEqual(truncated, await client.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=16&seed=3"));
    }

    // count × scale² is what costs memory: 256 samples of a 64-pixel model at scale 8 would be an 8226-pixel square.
    [Fact]
    public async Task HugeSampleAnswers_AreRefused_AndExpensiveReadsAreLimitedPerKey()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string> { ["RateLimits:StreamsPerKey"] = "1" });
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, new { dataset = "synthetic", imageSize = 64, steps = 2, batchSize = 4, baseChannels = 4, latentDim = 8, seed = 1 });
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60));
        Assert.True(done.Status == Worker.Contracts.JobStatus.Succeeded, $"{done.Status}: {done.Error}");
        var model = done.ModelId;

        var errors = await BadInputTests.ValidationErrorsAsync(await client.GetAsync($"/v1/models/{model}/samples.png?count=256&scale=8&seed=1"));
        Assert.Contains("fewer or a smaller scale", errors["scale"][0]);
        using var allowed = Decode(await client.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=16&scale=8&seed=1"));
        Assert.Equal(4 * (512 + 2) + 2, allowed.Width);

        // One event stream per key here: a second one waits its turn with a 429.
        var queued = await app.PostJobAsync(client, new { dataset = "synthetic", steps = 1_000_000, batchSize = 4, baseChannels = 4 });
        using var first = await client.GetAsync($"/v1/jobs/{queued.Id}/events/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
        using var second = await client.GetAsync($"/v1/jobs/{queued.Id}/events/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        await client.PostAsync($"/v1/jobs/{queued.Id}/cancel", null);
    }

    [Fact]
    public void Truncation_KeepsEveryLatentWithinPsi_AndSlerpEndsAtBothSeeds()
    {
        var model = new Worker.Contracts.ModelRecord
        {
            Id = "m", JobId = "j", Family = "dcgan", Dataset = "synthetic", Steps = 1, CreatedAt = DateTimeOffset.UtcNow,
            Config = new Worker.Contracts.ModelConfig(28, 1, LatentDim: 64, BaseChannels: 4),
        };
        using var z = ModelSampler.Latents(model, 32, seed: 5, truncation: 0.7);
        Assert.True(z.abs().max().item<float>() <= 0.7f);
        using var a = ModelSampler.Latents(model, 1, 1, null);
        using var b = ModelSampler.Latents(model, 1, 2, null);
        using var path = ModelSampler.Slerp(a[0], b[0], 4);
        Assert.True(path[0].allclose(a[0], atol: 1e-5));
        Assert.True(path[3].allclose(b[0], atol: 1e-5));
        // Halfway along the great circle the norm stays near the endpoints', unlike a straight line.
        Assert.InRange(path[1].norm().item<float>(), 0.9f * Math.Min(a.norm().item<float>(), b.norm().item<float>()), 1.1f * Math.Max(a.norm().item<float>(), b.norm().item<float>()));
    }

    [Fact]
    public async Task SeededSamples_CarryAnETag_AndAnsweredWith304WhenUnchanged()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var model = (await app.TrainTinyAsync(client, steps: 5)).ModelId;

        var first = await client.GetAsync($"/v1/models/{model}/samples.png?count=4&seed=2");
        var etag = first.Headers.ETag!;
        Assert.Contains("immutable", first.Headers.CacheControl!.ToString());
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/models/{model}/samples.png?count=4&seed=2");
        request.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());

        var other = await client.GetAsync($"/v1/models/{model}/samples.png?count=5&seed=2");
        Assert.NotEqual(etag, other.Headers.ETag);
        var unseeded = await client.GetAsync($"/v1/models/{model}/samples.png?count=4");
        Assert.True(unseeded.Headers.CacheControl!.NoStore);
        Assert.True(long.TryParse(unseeded.Headers.GetValues("X-Seed").Single(), out _));
    }

    [Theory]
    [InlineData("samples.png?scale=9", "scale")]
    [InlineData("samples.png?truncation=0", "truncation")]
    [InlineData("samples.png?nrow=0", "nrow")]
    [InlineData("samples/256.png", "index")]
    [InlineData("interpolate.png?from=1", "to")]
    [InlineData("interpolate.png?from=1&to=2&steps=1", "steps")]
    public async Task SampleParameters_ThatDoNotApply_Are400s(string query, string field)
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var response = await app.CreateClient().GetAsync($"/v1/models/model_any/{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GeneratorCache_IsBoundedByMemory_LeastRecentlyUsedFirstOut()
    {
        // Each tiny generator is ~40 KB; a 1 MB budget holds them all, so use wide ones (~2.6 MB each) against 4 MB.
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string> { ["Sampling:CacheMegabytes"] = "4" });
        var client = app.CreateClient();
        var models = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var job = await app.PostJobAsync(client, new { dataset = "synthetic", steps = 1, batchSize = 8, baseChannels = 64, seed = i });
            models.Add((await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60))).ModelId!);
        }
        var sampler = app.Services.GetRequiredService<ModelSampler>();
        foreach (var model in models) await client.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=1&seed=1");
        Assert.Equal([models[2]], sampler.CachedModelIds);
        await client.GetByteArrayAsync($"/v1/models/{models[0]}/samples.png?count=1&seed=1");
        Assert.Equal([models[0]], sampler.CachedModelIds);
    }

    private static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png);
}
