using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Sweeps;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace GenApi.Tests.Api;

/// <summary>Limits every path obeys: one team's sweeps, promotions and models cannot take the queue or the disk from the others.</summary>
public sealed class LimitsTests
{
    private static object Sweep(int maxParallel) => new
    {
        @base = new { dataset = "synthetic", steps = 20, batchSize = 16, baseChannels = 8, latentDim = 16 },
        parameters = new Dictionary<string, object> { ["learningRate"] = new { min = 0.0001, max = 0.01, distribution = "log-uniform" } },
        method = "random", maxTrials = 64, maxParallel, seed = 1,
    };

    // A quota of 3 and 2 jobs a minute: three sweeps once queued 191 jobs in 4 s past both.
    [Fact]
    public async Task SweepTrials_ObeyTheTeamsJobQuotaAndRate_AndSweepsHaveTheirOwnCapAndRate()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true", ["Quotas:ActiveJobsPerTeam"] = "3", ["RateLimits:JobsPerMinute"] = "2",
            ["Quotas:ActiveSweepsPerTeam"] = "2", ["RateLimits:SweepsPerMinute"] = "3", ["Sweeps:Interval"] = "00:00:00.100",
        });
        var admin = app.CreateClient();
        var team = await app.ClientForTeamAsync(admin, "hungry");
        var other = await app.ClientForTeamAsync(admin, "others");

        var tooWide = await team.PostAsJsonAsync("/v1/sweeps", Sweep(maxParallel: 4));
        Assert.Equal(HttpStatusCode.BadRequest, tooWide.StatusCode);
        Assert.Contains("maxParallel", (await BadInputTests.ValidationErrorsAsync(tooWide)).Keys);
        var first = await SweepApiTests.PostSweepAsync(team, Sweep(maxParallel: 3));
        // The first sweep's trials are already queued: a second may ask only for what is left.
        var second = await SweepApiTests.PostSweepAsync(team, Sweep(maxParallel: 1));
        var third = await team.PostAsJsonAsync("/v1/sweeps", Sweep(maxParallel: 1));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("Quotas:ActiveSweepsPerTeam", await third.Content.ReadAsStringAsync());
        Assert.True(third.Headers.Contains("Retry-After"));

        // Rounds every 100 ms for 2 s: the team's trials take 2 tokens and stop there, well under the quota of 3.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var jobs = (await team.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs?limit=100", GenApiFactory.Json))!.Data;
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.NotNull(j.Trial));
        foreach (var sweep in new[] { first, second })
            Assert.Equal("running", (await team.GetFromJsonAsync<SweepResponse>($"/v1/sweeps/{sweep.Id}", GenApiFactory.Json))!.Status);
        // The team's direct job takes its key's token, and then the quota's last slot holds against the sweeps too.
        var direct = await team.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob());
        Assert.Equal(HttpStatusCode.Accepted, direct.StatusCode);
        var over = await team.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob());
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Contains("Quotas:ActiveJobsPerTeam", await over.Content.ReadAsStringAsync());
        Assert.Equal(3, (await team.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs?limit=100", GenApiFactory.Json))!.Data.Count);

        // Another team is not held back; its key has sweeps of its own to start, three a minute.
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob())).StatusCode);
        // Canceled at once, each frees its place under the cap: what stops the fourth is the rate.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await other.PostAsync($"/v1/sweeps/{(await SweepApiTests.PostSweepAsync(other, Sweep(maxParallel: 1))).Id}/cancel", null)).StatusCode);
        var fourth = await other.PostAsJsonAsync("/v1/sweeps", Sweep(maxParallel: 1));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("RateLimits:SweepsPerMinute", await fourth.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PromotingACheckpointAgain_ReturnsItsModel_AndModelQuotasHoldForTrainingAndPromotion()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true", ["Quotas:ModelsPerTeam"] = "2", ["RateLimits:PromotesPerMinute"] = "3",
        });
        var admin = app.CreateClient();
        var owner = await app.ClientForTeamAsync(admin, "owners");
        var other = await app.ClientForTeamAsync(admin, "others");
        var job = await app.TrainTinyAsync(owner, steps: 20);

        var promoted = await owner.PostAsync($"/v1/jobs/{job.Id}/checkpoints/10/promote", null);
        Assert.Equal(HttpStatusCode.Created, promoted.StatusCode);
        var model = (await promoted.Content.ReadFromJsonAsync<ModelResponse>(GenApiFactory.Json))!;
        for (var i = 0; i < 3; i++)
        {
            var again = await owner.PostAsync($"/v1/jobs/{job.Id}/checkpoints/10/promote", null);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(model.Id, (await again.Content.ReadFromJsonAsync<ModelResponse>(GenApiFactory.Json))!.Id);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/v1/jobs/{job.Id}/checkpoints/10/promote", null)).StatusCode);
        Assert.Equal(2, (await owner.GetFromJsonAsync<PageResponse<ModelResponse>>("/v1/models", GenApiFactory.Json))!.Data.Count);

        // Two models held: a promotion is refused with the quota named, and so is a finished training's model.
        var third = await owner.PostAsync($"/v1/jobs/{job.Id}/checkpoints/20/promote", null);
        Assert.Equal(HttpStatusCode.Forbidden, third.StatusCode);
        Assert.Contains("Quotas:ModelsPerTeam", await third.Content.ReadAsStringAsync());
        var second = await GenApiFactory.WaitForFinishAsync(owner, (await app.PostJobAsync(owner, GenApiFactory.TinyJob(steps: 10))).Id, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Failed, second.Status);
        Assert.Contains("Quotas:ModelsPerTeam", second.Error);
        // Another team's share is its own.
        Assert.Equal(JobStatus.Succeeded, (await app.TrainTinyAsync(other, steps: 10)).Status);

        // Deleting a model frees a place; the third promotion that publishes (3 a minute) is the last this minute.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/v1/models/{model.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsync($"/v1/jobs/{job.Id}/checkpoints/20/promote", null)).StatusCode);
        var limited = await owner.PostAsync($"/v1/jobs/{job.Id}/checkpoints/10/promote", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("RateLimits:PromotesPerMinute", await limited.Content.ReadAsStringAsync());
    }

    // 12 parallel 4000×4000 charts all got 200 where the sample endpoints stop at the render limit.
    [Fact]
    public async Task ChartPngs_ShareTheRenderLimit_AndAreDrawnOncePerNewMetricAndSize()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string> { ["RateLimits:ConcurrentRendersPerKey"] = "1" });
        var client = app.CreateClient();
        var job = await app.TrainTinyAsync(client, steps: 10);
        var charts = app.Services.GetRequiredService<GenApi.Rendering.ChartCache>();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.GetAsync($"/v1/jobs/{job.Id}/metrics.png?width=4000&height={4000 - i}")));
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests), a => Assert.True(a.Headers.Contains("Retry-After")));

        var before = charts.Renders;
        var first = await client.GetByteArrayAsync($"/v1/jobs/{job.Id}/metrics.png?width=640&height=360");
        for (var i = 0; i < 3; i++) Assert.Equal(first, await client.GetByteArrayAsync($"/v1/jobs/{job.Id}/metrics.png?width=640&height=360"));
        await client.GetByteArrayAsync($"/v1/jobs/{job.Id}/metrics.png?width=641&height=360");
        Assert.Equal(before + 2, charts.Renders);
    }

    // A revoked key's stream once went on delivering; now it closes within the re-check, and every stream ends after its
    // lifetime, to be resumed with Last-Event-ID.
    [Fact]
    public async Task EventStreams_CloseWhenTheirKeyIsRevoked_AndAfterTheirLifetime_ResumingWithoutLoss()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true", ["Events:StreamLifetime"] = "00:00:04", ["Events:KeyRecheckInterval"] = "00:00:00.200",
        });
        var admin = app.CreateClient();
        var created = (await (await admin.PostAsJsonAsync("/v1/admin/keys", new { team = "watchers" })).Content.ReadFromJsonAsync<ApiKeyResponse>(GenApiFactory.Json))!;
        var team = app.CreateClient();
        team.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", created.Key);
        var job = await app.PostJobAsync(team, GenApiFactory.TinyJob());

        var revoked = ReadStreamAsync(team, $"/v1/jobs/{job.Id}/events/stream", null);
        await Task.Delay(500);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/admin/keys/{created.Id}")).StatusCode);
        var closed = System.Diagnostics.Stopwatch.StartNew();
        var (ids, _) = await revoked.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.True(closed.Elapsed < TimeSpan.FromSeconds(2), $"the revoked key's stream stayed open {closed.Elapsed}");
        Assert.Single(ids); // the job's 'queued' event

        // A key that stays valid: its stream ends with the lifetime, and a reconnect misses nothing.
        var watcher = await app.ClientForTeamAsync(admin, "watchers");
        var store = app.Services.GetRequiredService<IJobStore>();
        var (first, lasted) = await ReadStreamAsync(watcher, $"/v1/jobs/{job.Id}/events/stream", null).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.InRange(lasted, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(15));
        await store.AddEventAsync(job.Id, "queued", "an event after the first stream ended");
        var resumed = ReadStreamAsync(watcher, $"/v1/jobs/{job.Id}/events/stream", first[^1]);
        var (next, _) = await resumed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((await GenApiFactory.EventsAsync(watcher, job.Id)).Select(e => e.Id).Skip(first.Count), next);
    }

    private static async Task<(List<long> Ids, TimeSpan Lasted)> ReadStreamAsync(HttpClient client, string path, long? lastEventId)
    {
        var opened = System.Diagnostics.Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is { } last) request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var ids = new List<long>();
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("id: ", StringComparison.Ordinal)) ids.Add(long.Parse(line["id: ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        return (ids, opened.Elapsed);
    }
}
