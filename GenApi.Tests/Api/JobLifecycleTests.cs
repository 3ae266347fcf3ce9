using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Api;

public sealed class JobLifecycleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PostedJob_TrainsToSucceeded_AndItsModelServesDeterministicPngSamples()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();

        var accepted = await client.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob());
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = (await accepted.Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!;
        Assert.Equal($"/v1/jobs/{job.Id}", accepted.Headers.Location!.OriginalString);
        Assert.Equal(JobStatus.Queued, job.Status);

        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, Patience);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(20, done.Progress.Step);
        Assert.True(double.IsFinite(done.LossD!.Value) && double.IsFinite(done.LossG!.Value));
        Assert.NotNull(done.ModelId);

        var model = await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json);
        Assert.Equal((28, 1, job.Id), (model!.ImageSize, model.Channels, model.JobId));
        Assert.Null(model.Classes);
        Assert.Equal(20, model.Metrics!.Step);
        Assert.Equal(done.LossD, model.Metrics.LossD);

        var first = await client.GetAsync($"/v1/models/{done.ModelId}/samples.png?count=16&seed=5");
        Assert.Equal("image/png", first.Content.Headers.ContentType!.MediaType);
        var bytes = await first.Content.ReadAsByteArrayAsync();
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((4 * 30 + 2, 4 * 30 + 2), (bitmap.Width, bitmap.Height));
        Assert.True(bitmap.Pixels.Select(p => p.Red).Distinct().Count() > 10, "samples are flat");

        Assert.Equal(bytes, await client.GetByteArrayAsync($"/v1/models/{done.ModelId}/samples.png?count=16&seed=5"));
        Assert.NotEqual(bytes, await client.GetByteArrayAsync($"/v1/models/{done.ModelId}/samples.png?count=16&seed=6"));

        using var progress = SKBitmap.Decode(await client.GetByteArrayAsync($"/v1/jobs/{job.Id}/samples.png"));
        Assert.Equal(8 * 30 + 2, progress.Width);
    }

    [Fact]
    public async Task RunningJob_StopsWithinTwoSeconds_WhenCanceled()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, GenApiFactory.TinyJob(steps: 1_000_000));
        await GenApiFactory.WaitForAsync(client, job.Id, j => j.Status == JobStatus.Running && j.Progress.Step > 0, Patience);

        var clock = Stopwatch.StartNew();
        var response = await client.PostAsync($"/v1/jobs/{job.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var canceled = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancel took {clock.Elapsed}");
        Assert.False(canceled.CancelRequested);
    }

    [Fact]
    public async Task QueuedJob_IsCanceledAtOnce_AndAFinishedJobCannotBeCanceled()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, GenApiFactory.TinyJob());

        var canceled = await (await client.PostAsync($"/v1/jobs/{job.Id}/cancel", null)).Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json);
        Assert.Equal(JobStatus.Canceled, canceled!.Status);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/jobs/{job.Id}/cancel", null)).StatusCode);

        await using var worker = new GenApiFactory(TestPaths.NewScratch());
        var workerClient = worker.CreateClient();
        var finished = await worker.PostJobAsync(workerClient, GenApiFactory.TinyJob(steps: 2));
        await GenApiFactory.WaitForFinishAsync(workerClient, finished.Id, Patience);
        var conflict = await workerClient.PostAsync($"/v1/jobs/{finished.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task QueuedJob_RunsAfterTheHostRestarts()
    {
        var data = TestPaths.NewScratch();
        string id;
        await using (var before = new GenApiFactory(data, embeddedWorker: false))
        {
            id = (await before.PostJobAsync(before.CreateClient(), GenApiFactory.TinyJob(steps: 5))).Id;
        }

        await using var after = new GenApiFactory(data);
        var done = await GenApiFactory.WaitForFinishAsync(after.CreateClient(), id, Patience);
        Assert.Equal(JobStatus.Succeeded, done.Status);
    }

    [Fact]
    public async Task RunningJob_ResumesFromItsCheckpoint_AfterTheHostRestarts()
    {
        var data = TestPaths.NewScratch();
        string id;
        int stepAtShutdown;
        await using (var before = new GenApiFactory(data))
        {
            var client = before.CreateClient();
            id = (await before.PostJobAsync(client, GenApiFactory.TinyJob(steps: 400))).Id;
            stepAtShutdown = (await GenApiFactory.WaitForAsync(client, id, j => j.Progress.Step >= 30, Patience)).Progress.Step;
        }

        var store = GenApiFactory.EmbeddedStore(data);
        var interrupted = (await store.GetJobAsync(id))!;
        Assert.Equal(JobStatus.Running, interrupted.Status);
        var checkpoints = Directory.GetDirectories(Path.Combine(data, "jobs", id, "checkpoints"));
        var resumeStep = checkpoints.Select(d => int.Parse(Path.GetFileName(d)["step-".Length..])).Max();
        Assert.True(resumeStep >= stepAtShutdown, $"checkpoint at {resumeStep}, job had reached {stepAtShutdown}");

        await using var after = new GenApiFactory(data);
        var afterClient = after.CreateClient();
        var done = await GenApiFactory.WaitForFinishAsync(afterClient, id, Patience);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(interrupted.StartedAt, done.StartedAt);
        // A graceful stop is not a lost worker: the attempt is given back.
        Assert.Equal(1, done.Attempts);

        var events = await GenApiFactory.EventsAsync(afterClient, id);
        Assert.Equal(["queued", "started", "interrupted", "started", "resumed", "succeeded"],
            events.Select(e => e.Kind).Where(k => k != "checkpoint"));
        Assert.Equal($"resumed from the checkpoint at step {resumeStep}", events.Single(e => e.Kind == "resumed").Message);
    }

    [Fact]
    public async Task JobOnAnUnreadableDataset_EndsFailed_WithAReadableReason()
    {
        var fashion = TestPaths.NewScratch();
        foreach (var file in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz" })
            await File.WriteAllTextAsync(Path.Combine(fashion, file), "not gzip");
        await using var app = new GenApiFactory(TestPaths.NewScratch(), fashionMnistPath: fashion);
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, new { dataset = "fashion-mnist", steps = 10 });

        var failed = await GenApiFactory.WaitForFinishAsync(client, job.Id, Patience);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.StartsWith("dataset 'fashion-mnist' could not be read:", failed.Error);
        Assert.NotNull(failed.FinishedAt);
        Assert.Null(failed.ModelId);
    }

    // The API died between storing the job and enqueueing it: the sweeper puts it on the queue and it runs.
    [Fact]
    public async Task AJobStoredButNeverEnqueued_IsSweptOntoTheQueue_AndRuns()
    {
        var data = TestPaths.NewScratch();
        await using var app = new GenApiFactory(data, settings: new Dictionary<string, string>
        {
            ["Queue:SweepInterval"] = "00:00:00.200", ["Queue:SweepAfter"] = "00:00:00.500",
        });
        var client = app.CreateClient();
        var store = GenApiFactory.EmbeddedStore(data);
        await store.CreateJobAsync("job_orphan", new Worker.Contracts.JobSpec
        {
            Dataset = "synthetic", BaseChannels = 8, LatentDim = 16, Training = new() { Steps = 3, BatchSize = 8, CheckpointEvery = 3, SampleEvery = 3 },
        });
        var done = await GenApiFactory.WaitForFinishAsync(client, "job_orphan", TimeSpan.FromSeconds(60));
        Assert.Equal(Worker.Contracts.JobStatus.Succeeded, done.Status);
        Assert.Contains(await GenApiFactory.EventsAsync(client, "job_orphan"), e => e.Message.Contains("sweeper"));
    }
}
