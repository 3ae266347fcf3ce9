using System.Net;
using System.Net.Http.Headers;
using GenApi.Tests.Api;

namespace GenApi.Tests.Datasets;

/// <summary>Uploads cost what they store, one at a time per key, within a quota reserved before anything is stored.</summary>
public sealed class UploadLimitsTests
{
    private static byte[] Images(int count) =>
        DatasetUploadTests.Zip(Enumerable.Range(0, count).Select(i => ($"{i}.png", DatasetUploadTests.Png(1, 1, SkiaSharp.SKColors.Red))).ToArray());

    // A body that arrives in two parts, the second only when the test says: the upload is under way until then.
    private sealed class HeldContent(byte[] bytes, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, 16));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(bytes.AsMemory(16));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    // Without the factory's redirect handler, which buffers a request's body before sending it.
    private static Task<HttpResponseMessage> HeldUploadAsync(GenApiFactory app, HttpClient key, byte[] zip, Task release)
    {
        var client = app.CreateDefaultClient(new Contract.ResponseContractCheck());
        client.DefaultRequestHeaders.Authorization = key.DefaultRequestHeaders.Authorization;
        var content = new HeldContent(zip, release);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return client.PostAsync("/v1/datasets?name=held", content);
    }

    private static async Task<GenApiFactory> AppAsync(Dictionary<string, string> settings)
    {
        settings["Auth:Enabled"] = "true";
        var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: settings);
        await Task.CompletedTask;
        return app;
    }

    [Fact]
    public async Task Uploads_AreOneAtATimePerKey_AndBoundedPerProcess_With429AndRetryAfter()
    {
        await using var app = await AppAsync(new() { ["RateLimits:ConcurrentUploads"] = "2" });
        var admin = app.CreateClient();
        var (a, b, c) = (await app.ClientForTeamAsync(admin, "one"), await app.ClientForTeamAsync(admin, "one"), await app.ClientForTeamAsync(admin, "two"));
        var release = new TaskCompletionSource();
        var first = HeldUploadAsync(app, a, Images(2), release.Task);
        await Task.Delay(500);
        var sameKey = await DatasetUploadTests.UploadAsync(a, Images(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, sameKey.StatusCode);
        Assert.True(sameKey.Headers.Contains("Retry-After"));
        Assert.Contains("already uploading", await sameKey.Content.ReadAsStringAsync());
        var second = HeldUploadAsync(app, b, Images(2), release.Task);
        await Task.Delay(500);
        var full = await DatasetUploadTests.UploadAsync(c, Images(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        Assert.Contains("RateLimits:ConcurrentUploads", await full.Content.ReadAsStringAsync());

        release.SetResult();
        Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await second).StatusCode);
        // Each turn was given back: the same keys upload again, several times over.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await DatasetUploadTests.UploadAsync(a, Images(1))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await DatasetUploadTests.UploadAsync(c, Images(1))).StatusCode);
        }
    }

    // 100,000 1×1 PNGs once fit in 16 MB of zip and took 1.2 GB of memory and disk.
    [Fact]
    public async Task WhatAnUploadWouldStore_IsBoundedBeforeItIsAllocated()
    {
        await using var app = await AppAsync(new() { ["Datasets:MaxUploadBytes"] = "100000" });
        var client = app.CreateClient();
        var tooMany = await DatasetUploadTests.UploadAsync(client, Images(9));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Equal("application/problem+json", tooMany.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Datasets:MaxUploadBytes", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await DatasetUploadTests.UploadAsync(client, Images(8))).StatusCode);

        var csv = new StringContent(string.Concat(Enumerable.Repeat(string.Join(',', Enumerable.Range(0, 100)) + "\n", 260)));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var values = await client.PostAsync("/v1/datasets", csv);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, values.StatusCode);
        Assert.Contains("Datasets:MaxUploadBytes", await values.Content.ReadAsStringAsync());
    }

    // The quota used to be checked once, before an upload started: uploads begun together all passed it.
    [Fact]
    public async Task UploadsOfOneTeamBegunTogether_CannotOvershootItsByteQuota()
    {
        await using var app = await AppAsync(new() { ["Quotas:DatasetBytesPerTeam"] = "40000", ["RateLimits:ConcurrentUploads"] = "4" });
        var admin = app.CreateClient();
        var keys = new[] { await app.ClientForTeamAsync(admin, "one"), await app.ClientForTeamAsync(admin, "one") };
        var other = await app.ClientForTeamAsync(admin, "two");
        var release = new TaskCompletionSource();
        var uploads = keys.Select(k => HeldUploadAsync(app, k, Images(2), release.Task)).ToList();
        await Task.Delay(500);
        release.SetResult();
        var statuses = (await Task.WhenAll(uploads)).Select(r => r.StatusCode).Order().ToList();
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Forbidden], statuses);
        var refused = (await Task.WhenAll(uploads)).Single(r => r.StatusCode == HttpStatusCode.Forbidden);
        Assert.Contains("Quotas:DatasetBytesPerTeam", await refused.Content.ReadAsStringAsync());
        // What is left still fits one image; another team's quota is its own.
        Assert.Equal(HttpStatusCode.Created, (await DatasetUploadTests.UploadAsync(keys[0], Images(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DatasetUploadTests.UploadAsync(keys[1], Images(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await DatasetUploadTests.UploadAsync(other, Images(2))).StatusCode);
    }
}
