using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Api;

/// <summary>Watching a job: live events, metrics, the chart, checkpoints.</summary>
public sealed class ObservabilityTests
{
    // Several streams on one job share the process's one poller; each gets every event in order and ends with the job.
    [Fact]
    public async Task EventStreams_DeliverARunningJobsEvents_AndEndWithIt()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, GenApiFactory.TinyJob(steps: 40));

        var streams = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ReadStreamAsync(client, $"/v1/jobs/{job.Id}/events/stream")));
        foreach (var (kinds, ids) in streams)
        {
            Assert.Equal("queued", kinds[0]);
            Assert.Contains("started", kinds);
            Assert.Contains("checkpoint", kinds);
            Assert.Equal("succeeded", kinds[^1]);
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Distinct(), ids);
        }
        Assert.All(streams, s => Assert.Equal(streams[0].Ids, s.Ids));
    }

    private static async Task<(List<string> Kinds, List<long> Ids)> ReadStreamAsync(HttpClient client, string path)
    {
        using var stream = await client.GetStreamAsync(path);
        using var reader = new StreamReader(stream);
        var kinds = new List<string>();
        var ids = new List<long>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) kinds.Add(line["event: ".Length..]);
            if (line.StartsWith("id: ", StringComparison.Ordinal)) ids.Add(long.Parse(line["id: ".Length..]));
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                Assert.Equal(kinds[^1], JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("kind").GetString());
        }
        return (kinds, ids);
    }

    [Fact]
    public async Task Metrics_AreRecorded_Downsampled_AndCharted()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.TrainTinyAsync(client, steps: 200);

        var all = (await client.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{job.Id}/metrics", GenApiFactory.Json))!;
        Assert.True(all.TotalPoints >= 2);
        Assert.Equal(200, all.Points[^1].Step);
        Assert.Equal(all.Points.Select(p => p.Step).Order(), all.Points.Select(p => p.Step));
        Assert.All(all.Points, p => Assert.True(p.LossD > 0 && p.LossG > 0 && p.ImagesPerSecond > 0 && p.LearningRate == 0.0002));

        var one = (await client.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{job.Id}/metrics?maxPoints=1", GenApiFactory.Json))!;
        Assert.Equal(200, Assert.Single(one.Points).Step);

        using var chart = SKBitmap.Decode(await client.GetByteArrayAsync($"/v1/jobs/{job.Id}/metrics.png?width=640&height=360"));
        Assert.Equal((640, 360), (chart.Width, chart.Height));
        Assert.True(chart.Pixels.Distinct().Count() > 20, "the chart is blank");
    }

    [Fact]
    public async Task Checkpoints_CanBePromoted_AndFinishedJobsDeleted()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.TrainTinyAsync(client, steps: 30);

        var checkpoints = (await client.GetFromJsonAsync<List<CheckpointResponse>>($"/v1/jobs/{job.Id}/checkpoints", GenApiFactory.Json))!;
        Assert.Equal([10, 20, 30], checkpoints.Select(c => c.Step));
        Assert.All(checkpoints, c => Assert.True(c.SizeBytes > 0));

        var promoted = await client.PostAsync($"/v1/jobs/{job.Id}/checkpoints/10/promote", null);
        Assert.Equal(System.Net.HttpStatusCode.Created, promoted.StatusCode);
        var model = (await promoted.Content.ReadFromJsonAsync<ModelResponse>(GenApiFactory.Json))!;
        Assert.Equal((10, job.Id), (model.Steps, model.JobId));
        Assert.NotEqual(job.ModelId, model.Id);
        var early = await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?count=4&seed=1");
        Assert.NotEqual(early, await client.GetByteArrayAsync($"/v1/models/{job.ModelId}/samples.png?count=4&seed=1"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.PostAsync($"/v1/jobs/{job.Id}/checkpoints/15/promote", null)).StatusCode);

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/jobs/{job.Id}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/v1/jobs/{job.Id}")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "jobs", job.Id)));
        // Its models outlive it until deleted themselves.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync($"/v1/models/{model.Id}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/models/{model.Id}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/v1/models/{model.Id}/samples.png?seed=1")).StatusCode);
    }

    [Fact]
    public async Task UnfinishedJobs_CannotBeDeleted()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, GenApiFactory.TinyJob());
        var response = await client.DeleteAsync($"/v1/jobs/{job.Id}");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
