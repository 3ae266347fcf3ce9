using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;

namespace GenApi.Tests.Sweeps;

/// <summary>Sweeps end to end through the HTTP API, in embedded mode.</summary>
public sealed class SweepApiTests
{
    // 300 samples and a quickly trained classifier: evaluations in well under a second each.
    private static readonly Dictionary<string, string> SmallEvaluations = new()
    {
        ["Evaluation:Samples"] = "300", ["Evaluation:ClassifierEpochs"] = "2", ["Sweeps:Interval"] = "00:00:00.200", ["Auth:Enabled"] = "true",
    };

    /// <summary>A 4-trial grid (lr × loss) of tiny models with ASHA (η 2, rungs at 10 and 20 of 40 steps).</summary>
    public static object TinySweep(int steps = 40, string earlyStopping = "asha", long seed = 1, int? rungSamples = null) => new
    {
        @base = new { dataset = "synthetic", steps, batchSize = 16, baseChannels = 8, latentDim = 16, checkpointEvery = 10, sampleEvery = 10 },
        parameters = new Dictionary<string, object>
        {
            ["learningRate"] = new { values = new[] { 0.0002, 0.004 } },
            ["loss"] = new { values = new[] { "bce", "hinge" } },
        },
        method = "grid",
        earlyStopping = new { type = earlyStopping, eta = 2, minSteps = 10, rungSamples },
        seed,
    };

    public static async Task<SweepResponse> PostSweepAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/sweeps", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var sweep = (await response.Content.ReadFromJsonAsync<SweepResponse>(GenApiFactory.Json))!;
        Assert.Equal($"/v1/sweeps/{sweep.Id}", response.Headers.Location!.OriginalString);
        return sweep;
    }

    public static async Task<SweepResponse> WaitForSweepAsync(HttpClient client, string id, Func<SweepResponse, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var sweep = (await client.GetFromJsonAsync<SweepResponse>($"/v1/sweeps/{id}", GenApiFactory.Json))!;
            if (until(sweep)) return sweep;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sweep {id}: {JsonSerializer.Serialize(sweep, GenApiFactory.Json)}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task GridSweepWithAsha_RunsEveryTrial_PrunesTheLosers_AndServesLeaderboardChartAndTrials_ToItsTeamOnly()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: SmallEvaluations);
        var admin = app.CreateClient();
        var owner = await app.ClientForTeamAsync(admin, "tuners");
        var other = await app.ClientForTeamAsync(admin, "others");
        var sweep = await PostSweepAsync(owner, TinySweep(rungSamples: 100));
        Assert.Equal(("running", 4, "grid", "asha"), (sweep.Status, sweep.MaxTrials, sweep.Method, sweep.EarlyStopping.Type));
        Assert.Equal([10, 20], sweep.EarlyStopping.Rungs);

        var done = await WaitForSweepAsync(owner, sweep.Id, s => s.Status != "running", TimeSpan.FromMinutes(4));
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(4, done.Leaderboard.Count);
        Assert.Equal([0, 1, 2, 3], done.Leaderboard.Select(t => t.Number).Order());
        Assert.Equal(4, done.Trials.Succeeded + done.Trials.Pruned);
        // Grid order: lr fastest-varying last, so trial 1 is (0.0002, hinge).
        var trial1 = done.Leaderboard.Single(t => t.Number == 1);
        Assert.Equal((0.0002, "hinge"), (trial1.Parameters["learningRate"].GetDouble(), trial1.Parameters["loss"].GetString()));

        // The first trial has nobody to lose to; later ones met it at the rungs, and at least one lost.
        Assert.Equal(JobStatus.Succeeded, done.Leaderboard.Single(t => t.Number == 0).Status);
        var pruned = done.Leaderboard.Where(t => t.Status == JobStatus.Pruned).ToList();
        Assert.NotEmpty(pruned);
        foreach (var t in pruned)
        {
            Assert.StartsWith("pruned at rung", t.Reason);
            Assert.Contains(t.ScoredAtStep!.Value, done.EarlyStopping.Rungs);
            Assert.NotNull(t.ModelId);
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/v1/models/{t.ModelId}/samples.png?count=4")).StatusCode);
        }
        foreach (var t in done.Leaderboard.Where(t => t.Status == JobStatus.Succeeded))
        {
            Assert.Equal([10, 20, 30, 40], t.Scores.Select(s => s.Step));
            // Cheaper evaluations where trials are compared; the final score at full size.
            var evaluations = (await owner.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{t.JobId}/metrics", GenApiFactory.Json))!.Evaluations;
            Assert.Equal([100, 100, 100, 300], evaluations.Select(e => e.Samples));
        }
        // Best first: the full-length trials by score, then the pruned ones.
        var best = done.Best!;
        Assert.Equal(done.Leaderboard[0].JobId, best.JobId);
        var finished = done.Leaderboard.TakeWhile(t => t.ScoredAtStep == 40).Select(t => t.Score!.Value).ToList();
        Assert.Equal(finished.Order(), finished);
        Assert.All(done.Leaderboard, t => Assert.True(t.WallSeconds > 0 && t.ImagesPerSecond > 0));

        // Trials are ordinary jobs: listed by sweep, with their parameters; events say why a trial was pruned.
        var jobs = (await owner.GetFromJsonAsync<PageResponse<JobResponse>>($"/v1/jobs?sweepId={sweep.Id}", GenApiFactory.Json))!;
        Assert.Equal(done.Leaderboard.Select(t => t.JobId).Order(), jobs.Data.Select(j => j.Id).Order());
        Assert.All(jobs.Data, j => Assert.Equal(sweep.Id, j.Trial!.SweepId));
        Assert.Contains(await GenApiFactory.EventsAsync(owner, pruned[0].JobId), e => e.Kind == "pruned" && e.Message.StartsWith("pruned at rung", StringComparison.Ordinal));

        var chart = await owner.GetAsync($"/v1/sweeps/{sweep.Id}/chart.png");
        Assert.Equal(("image/png", HttpStatusCode.OK), (chart.Content.Headers.ContentType!.MediaType, chart.StatusCode));
        Assert.True((await chart.Content.ReadAsByteArrayAsync()).Length > 5000);
        Assert.Contains((await owner.GetFromJsonAsync<PageResponse<SweepResponse>>("/v1/sweeps", GenApiFactory.Json))!.Data, s => s.Id == sweep.Id);

        // Another team sees none of it.
        foreach (var path in new[] { $"/v1/sweeps/{sweep.Id}", $"/v1/sweeps/{sweep.Id}/chart.png", $"/v1/jobs/{best.JobId}" })
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(path)).StatusCode);
        Assert.Empty((await other.GetFromJsonAsync<PageResponse<SweepResponse>>("/v1/sweeps", GenApiFactory.Json))!.Data);
        Assert.Empty((await other.GetFromJsonAsync<PageResponse<JobResponse>>($"/v1/jobs?sweepId={sweep.Id}", GenApiFactory.Json))!.Data);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/v1/sweeps/{sweep.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/v1/sweeps/{sweep.Id}/cancel", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"/v1/sweeps/{sweep.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/v1/sweeps/{sweep.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/v1/sweeps/{sweep.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/v1/jobs/{best.JobId}")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "jobs", best.JobId)));
        // The models the trials produced stay.
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/v1/models/{best.ModelId}")).StatusCode);
    }

    [Fact]
    public async Task InvalidSweep_IsOne400_ListingEveryProblem()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/v1/sweeps", new
        {
            @base = new { dataset = "synthetic", steps = 100, checkpointEvery = 30 },
            parameters = new Dictionary<string, object>
            {
                ["optimizerG.lr"] = new { min = -1, max = 0.1, distribution = "log-uniform" },
                ["loss"] = new { values = new object[] { "bce", "wobbly" } },
                ["batchSize"] = new { values = new[] { 32, 5000 } },
                ["steps"] = new { values = new[] { 10, 20 } },
                ["colour"] = new { values = new[] { "red" } },
                ["emaDecay"] = new { min = 0.9 },
            },
            method = "annealing",
            metric = new { name = "reconstructionError" },
            earlyStopping = new { type = "asha", eta = 1, minSteps = 20 },
            maxTrials = 0,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        string Messages(string field) => string.Join(" | ", errors.GetProperty(field).EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("log-uniform needs min > 0", Messages("parameters.optimizerG.lr.min"));
        Assert.Contains("with \"wobbly\": Unknown loss 'wobbly'", Messages("parameters.loss"));
        Assert.Contains("with 5000: batchSize must be between 1 and 1024", Messages("parameters.batchSize"));
        Assert.Contains("steps is the base's", Messages("parameters.steps"));
        Assert.Contains("Unknown parameter 'colour'", Messages("parameters.colour"));
        Assert.Contains("both min and max", Messages("parameters.emaDecay"));
        Assert.Contains("method must be one of: grid, random, tpe", Messages("method"));
        Assert.Contains("eta must be between 2 and 10", Messages("earlyStopping.eta"));
        Assert.Contains("maxTrials must be between 1 and 500", Messages("maxTrials"));

        // Once the rest is valid, the sweep's own combinations are checked against the base job.
        var second = await client.PostAsJsonAsync("/v1/sweeps", new
        {
            @base = new { dataset = "synthetic", steps = 100, checkpointEvery = 30 },
            parameters = new Dictionary<string, object> { ["learningRate"] = new { min = 1e-4, max = 1e-2, distribution = "log-uniform" } },
            method = "grid", metric = new { name = "reconstructionError" }, earlyStopping = new { type = "asha", minSteps = 20 },
        });
        var more = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["earlyStopping.minSteps", "metric.name", "parameters.learningRate"], more.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task SweepInProgress_SurvivesAnApiRestart_WithNoTrialLostOrRunTwice()
    {
        var data = TestPaths.NewScratch();
        var settings = new Dictionary<string, string>(SmallEvaluations) { ["Auth:Enabled"] = "false" };
        string id;
        await using (var first = new GenApiFactory(data, settings: settings))
        {
            var client = first.CreateClient();
            id = (await PostSweepAsync(client, TinySweep(steps: 60, earlyStopping: "none"))).Id;
            await WaitForSweepAsync(client, id, s => s.Leaderboard.Any(t => t.Status == JobStatus.Succeeded) && s.Leaderboard.Count >= 2, TimeSpan.FromMinutes(2));
        }
        await using var second = new GenApiFactory(data, settings: settings);
        var after = second.CreateClient();
        var done = await WaitForSweepAsync(after, id, s => s.Status != "running", TimeSpan.FromMinutes(4));
        Assert.Equal(("succeeded", 4), (done.Status, done.Trials.Succeeded));
        Assert.Equal([0, 1, 2, 3], done.Leaderboard.Select(t => t.Number).Order());
        var jobs = (await after.GetFromJsonAsync<PageResponse<JobResponse>>($"/v1/jobs?sweepId={id}", GenApiFactory.Json))!;
        Assert.Equal(4, jobs.Data.Count);
        foreach (var job in jobs.Data)
        {
            var events = await GenApiFactory.EventsAsync(after, job.Id);
            Assert.Single(events, e => e.Kind == "succeeded");
        }
    }

    [Fact]
    public async Task CancelingASweep_StopsItsRunningTrial_WithinTwoSeconds_AndStartsNoOther()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string>(SmallEvaluations) { ["Auth:Enabled"] = "false" });
        var client = app.CreateClient();
        var sweep = await PostSweepAsync(client, TinySweep(steps: 100_000, earlyStopping: "none"));
        // Past its first evaluation, which trains the dataset's classifier once.
        var running = await WaitForSweepAsync(client, sweep.Id, s => s.Trials.Running == 1 && s.Leaderboard[0].Scores.Count > 0, TimeSpan.FromMinutes(3));
        var canceledAt = DateTime.UtcNow;
        var response = await client.PostAsync($"/v1/sweeps/{sweep.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trial = await GenApiFactory.WaitForFinishAsync(client, running.Leaderboard[0].JobId, TimeSpan.FromSeconds(10));
        Assert.Equal(JobStatus.Canceled, trial.Status);
        Assert.True(trial.FinishedAt!.Value.UtcDateTime - canceledAt < TimeSpan.FromSeconds(2.5), $"stopped {trial.FinishedAt - canceledAt} after the cancel");
        await Task.Delay(1000);
        var after = (await client.GetFromJsonAsync<SweepResponse>($"/v1/sweeps/{sweep.Id}", GenApiFactory.Json))!;
        Assert.Equal(("canceled", 1, 1), (after.Status, after.Leaderboard.Count, after.Trials.Canceled));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/sweeps/{sweep.Id}/cancel", null)).StatusCode);
    }
}
