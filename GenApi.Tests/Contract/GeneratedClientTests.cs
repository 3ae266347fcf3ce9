using GenApi.Tests.Api;
using GenApi.Tests.Generated;

namespace GenApi.Tests.Contract;

/// <summary>The whole flow through a client that NSwag generated from <c>openapi/v1.json</c>, as an integrating team uses it.</summary>
public sealed class GeneratedClientTests
{
    [Fact]
    public async Task GeneratedClient_TrainsListsWatchesSamplesAndCancels()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = new GenApiClient(app.CreateClient());
        CreateJobRequest Tiny(int steps) => new()
        {
            Model = CreateJobRequestModel.Dcgan, Dataset = "synthetic", Steps = steps, BatchSize = 16, Seed = 1, BaseChannels = 8, LatentDim = 16,
            CheckpointEvery = Math.Min(10, steps), SampleEvery = Math.Min(10, steps),
        };

        // Create (202) and poll to the end.
        var created = await client.CreateJobAsync(null, Tiny(20));
        Assert.Equal(JobStatus.Queued, created.Status);
        var job = created;
        for (var deadline = DateTime.UtcNow.AddSeconds(90); job.Status is JobStatus.Queued or JobStatus.Running && DateTime.UtcNow < deadline; await Task.Delay(100))
            job = await client.GetJobAsync(created.Id);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(20, job.Progress.Step);
        Assert.Equal(HyperparametersResponseLoss.Bce, job.Hyperparameters.Loss);

        // Lists page with the cursor they hand out.
        var second = await client.CreateJobAsync(null, Tiny(1));
        var first = await client.ListJobsAsync(1, null, null, null);
        Assert.True(first.HasMore);
        Assert.Equal(second.Id, Assert.Single(first.Data).Id);
        var next = await client.ListJobsAsync(1, first.NextCursor, null, null);
        Assert.Equal(job.Id, next.Data.First().Id);
        Assert.Contains((await client.ListJobsAsync(10, null, Status.Succeeded, null)).Data, j => j.Id == job.Id);

        // Events page with the same cursor type.
        var events = await client.GetJobEventsAsync(job.Id, 2, null);
        Assert.Equal(JobEventResponseKind.Queued, events.Data.First().Kind);
        var moreEvents = await client.GetJobEventsAsync(job.Id, 100, events.NextCursor);
        Assert.Contains(moreEvents.Data, e => e.Kind == JobEventResponseKind.Succeeded);

        // Samples are PNG bytes.
        using (var png = await client.GetModelSamplesAsync(job.ModelId!, 4, 1, null, null, null, null, null, null))
        {
            using var bytes = new MemoryStream();
            await png.Stream.CopyToAsync(bytes);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.ToArray()[..4]);
        }
        var model = await client.GetModelAsync(job.ModelId!);
        Assert.Equal((28, ModelResponseFamily.Dcgan), (model.ImageSize, model.Family));

        // A 400 reads as the problem it is, every bad field named.
        var invalid = await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() =>
            client.CreateJobAsync(null, new CreateJobRequest { Dataset = "synthetic", Steps = -1, BatchSize = 5000 }));
        Assert.Equal(400, invalid.StatusCode);
        Assert.Equal(["batchSize", "steps"], invalid.Result.Errors.Keys.Order());

        // Cancel a job that would run for long.
        var longJob = await client.CreateJobAsync(null, Tiny(1_000_000));
        var canceled = await client.CancelJobAsync(longJob.Id, null);
        Assert.True(canceled.Status == JobStatus.Canceled || canceled.CancelRequested);
        var missing = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => client.GetJobAsync("job_missing"));
        Assert.Equal((404, "https://genapi.dev/problems/job-not-found"), (missing.StatusCode, missing.Result.Type));
    }
}
