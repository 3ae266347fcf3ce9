using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Storage;
using GenApi.Worker.Contracts;
using Xunit.Abstractions;

namespace GenApi.Tests.Api;

/// <summary>Distributed mode against a real PostgreSQL: Hangfire.PostgreSql, separate worker processes, failures.</summary>
public sealed class DistributedModeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task ApiWithItsOwnServer_TrainsOnPostgres_AndSurvivesAPostgresRestart()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: true, postgres: database.ConnectionString);
        var client = app.CreateClient();

        var job = await app.PostJobAsync(client, GenApiFactory.TinyJob(steps: 600));
        await GenApiFactory.WaitForAsync(client, job.Id, j => j.Progress.Step >= 20, Patience);
        await PostgresDatabase.RestartServerAsync();

        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, Patience);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(600, done.Progress.Step);
        var after = await app.PostJobAsync(client, GenApiFactory.TinyJob(steps: 5));
        Assert.Equal(JobStatus.Succeeded, (await GenApiFactory.WaitForFinishAsync(client, after.Id, Patience)).Status);
    }

    [SkippableFact]
    public async Task WorkerProcesses_ShareTheQueue_NoJobRunsTwice_AndJobsSurviveKillAndSigterm()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var shared = TestPaths.NewScratch();
        var environment = ServiceEnvironment(database, shared);
        using var cluster = new Cluster(environment, shared);
        var (client, workerA, workerB) = (cluster.Client, cluster.WorkerA, cluster.WorkerB);
        try
        {
            await WaitForWorkersAsync(client, 2);

            // Three jobs on two workers: two start at once, the third waits for a free worker.
            var clock = Stopwatch.StartNew();
            var jobs = new List<JobResponse>();
            for (var i = 0; i < 3; i++)
                jobs.Add((await (await client.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob(steps: 1500, seed: i))).Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!);
            await GenApiFactory.WaitForAsync(client, jobs[0].Id, j => j.Status == JobStatus.Running, Patience);
            var queueLatency = clock.Elapsed;
            await GenApiFactory.WaitForAsync(client, jobs[0].Id, j => j.Progress.Step >= 200, Patience);
            var workers = await client.GetFromJsonAsync<List<WorkerResponse>>("/v1/workers", GenApiFactory.Json);
            Assert.Equal(2, workers!.Count(w => w.Alive && w.CurrentJobs.Count == 1));

            // kill -9 the worker training the first job, mid-job.
            var owner = workers!.Single(w => w.CurrentJobs.Contains(jobs[0].Id));
            var killed = owner.Name.EndsWith($":{workerA.Id}", StringComparison.Ordinal) ? workerA : workerB;
            var stepBeforeKill = (await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{jobs[0].Id}", GenApiFactory.Json))!.Progress.Step;
            killed.KillHard();
            var finished = await GenApiFactory.WaitForFinishAsync(client, jobs[0].Id, TimeSpan.FromMinutes(3));

            Assert.Equal(JobStatus.Succeeded, finished.Status);
            Assert.Equal(2, finished.Attempts);
            var events = await GenApiFactory.EventsAsync(client, jobs[0].Id);
            // The step the new worker resumed from, against the step the killed one had reported.
            var resumedAt = int.Parse(events.Single(e => e.Kind == "resumed").Message.Split(' ')[^1]);
            var checkpointEvery = finished.Hyperparameters.CheckpointEvery;
            Assert.True(stepBeforeKill - resumedAt <= checkpointEvery,
                $"resumed at step {resumedAt}, the job had reached {stepBeforeKill} (checkpointEvery {checkpointEvery})");
            var starts = events.Where(e => e.Kind == "started").Select(e => e.Message).ToList();
            Assert.Equal(2, starts.Count);
            // Events name workers by label; the admin's /v1/workers says which process a label stands for.
            Assert.StartsWith($"started on {owner.Label} ", starts[0]);
            Assert.DoesNotContain(owner.Label, starts[1]);

            foreach (var other in jobs.Skip(1))
            {
                var done = await GenApiFactory.WaitForFinishAsync(client, other.Id, TimeSpan.FromMinutes(3));
                Assert.Equal((JobStatus.Succeeded, 1), (done.Status, done.Attempts));
                var otherEvents = await GenApiFactory.EventsAsync(client, other.Id);
                Assert.Single(otherEvents!, e => e.Kind == "started");
            }

            // SIGTERM on the worker of a running job: it checkpoints and hands the job back; another worker goes on.
            using var workerC = new ServiceProcess("GenApi.Worker", environment, Path.Combine(shared, "worker-c.log"));
            await WaitForWorkersAsync(client, 2);
            var longJob = (await (await client.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob(steps: 1_000_000))).Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!;
            await GenApiFactory.WaitForAsync(client, longJob.Id, j => j.Progress.Step > 50, Patience);
            var runner = (await client.GetFromJsonAsync<List<WorkerResponse>>("/v1/workers", GenApiFactory.Json))!.Single(w => w.CurrentJobs.Contains(longJob.Id));
            var stopping = new[] { workerA, workerB, workerC }.Single(p => !p.HasExited && runner.Name.EndsWith($":{p.Id}", StringComparison.Ordinal));
            Assert.Equal(0, await stopping.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
            await WaitForEventAsync(client, longJob.Id, "resumed");
            var moved = await GenApiFactory.WaitForAsync(client, longJob.Id, j => j.Status == JobStatus.Running, Patience);
            Assert.Equal(1, moved.Attempts);
            var longEvents = await GenApiFactory.EventsAsync(client, longJob.Id);
            Assert.Equal(["queued", "started", "interrupted", "started", "resumed"], longEvents.Select(e => e.Kind).Where(k => k != "checkpoint"));

            // Cancel reaches a job running in another process.
            clock.Restart();
            await client.PostAsync($"/v1/jobs/{longJob.Id}/cancel", null);
            var canceled = await GenApiFactory.WaitForFinishAsync(client, longJob.Id, TimeSpan.FromSeconds(10));
            var cancelLatency = clock.Elapsed;
            Assert.Equal(JobStatus.Canceled, canceled.Status);

            // Each worker said at start-up what it trains on and what its kernel check found (printed, not asserted: it
            // depends on the host); libtorch's NNPACK complaint, where the CPU has none, came at most once per process.
            var workerLog = File.ReadAllLines(workerB.LogFile);
            var kernels = Assert.Single(workerLog, l => l.Contains("Training on cpu;", StringComparison.Ordinal) && l.Contains("libtorch", StringComparison.Ordinal));
            output.WriteLine($"worker kernel check: {kernels}");
            Assert.True(workerLog.Count(l => l.Contains("Could not initialize NNPACK", StringComparison.Ordinal)) <= 1, "NNPACK's complaint repeated");

            // Kestrel refuses a NUL in the path before any middleware (the one answer that is not problem+json, see
            // README); in the query it is GenApi's to answer.
            using (var raw = new HttpClient { BaseAddress = client.BaseAddress })
            {
                var refused = await raw.GetAsync("/v1/jobs/a%00b");
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Empty(await refused.Content.ReadAsByteArrayAsync());
                var query = await client.GetAsync("/v1/jobs?after=a%00b");
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, query.StatusCode);
                Assert.Equal("application/problem+json", query.Content.Headers.ContentType?.MediaType);
            }

            output.WriteLine($"queue latency (POST → running, idle workers): {queueLatency.TotalMilliseconds:F0} ms");
            output.WriteLine($"cancel latency (POST cancel → canceled, other process): {cancelLatency.TotalMilliseconds:F0} ms");
            output.WriteLine($"kill -9 at step ≥ {stepBeforeKill}, resumed at step {resumedAt}: at most {stepBeforeKill - resumedAt} steps redone (checkpointEvery {checkpointEvery})");
            Assert.True(queueLatency < TimeSpan.FromSeconds(3), $"queue latency {queueLatency}");
            Assert.True(cancelLatency < TimeSpan.FromSeconds(3), $"cancel latency {cancelLatency}");
        }
        catch
        {
            foreach (var log in Directory.GetFiles(shared, "*.log"))
                output.WriteLine($"==== {Path.GetFileName(log)}\n{string.Join('\n', File.ReadLines(log).TakeLast(40))}");
            throw;
        }
    }

    [SkippableFact]
    public async Task SweepTrials_RunOnTwoWorkerProcessesAtOnce_AndAKill9LosesNoTrial()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var shared = TestPaths.NewScratch();
        var environment = ServiceEnvironment(database, shared);
        environment["Evaluation__Samples"] = "300";
        environment["Evaluation__ClassifierEpochs"] = "2";
        using var cluster = new Cluster(environment, shared);
        var (client, workerA, workerB) = (cluster.Client, cluster.WorkerA, cluster.WorkerB);
        try
        {
            await WaitForWorkersAsync(client, 2);
            // maxParallel defaults to the live workers: two trials at once.
            var sweep = await Sweeps.SweepApiTests.PostSweepAsync(client, Sweeps.SweepApiTests.TinySweep(steps: 400, earlyStopping: "none"));
            Assert.Null(sweep.MaxParallel);
            await Sweeps.SweepApiTests.WaitForSweepAsync(client, sweep.Id, s => s.Trials.Running == 2 && s.Leaderboard.All(t => t.ImagesPerSecond > 0), Patience);
            var workers = (await client.GetFromJsonAsync<List<WorkerResponse>>("/v1/workers", GenApiFactory.Json))!;
            var busy = workers.Where(w => w.Alive && w.CurrentJobs.Count == 1).ToList();
            Assert.Equal(2, busy.Count);

            var victim = busy[0];
            var killed = victim.Name.EndsWith($":{workerA.Id}", StringComparison.Ordinal) ? workerA : workerB;
            killed.KillHard();
            var done = await Sweeps.SweepApiTests.WaitForSweepAsync(client, sweep.Id, s => s.Status != "running", TimeSpan.FromMinutes(5));

            Assert.Equal(("succeeded", 4), (done.Status, done.Trials.Succeeded));
            Assert.Equal([0, 1, 2, 3], done.Leaderboard.Select(t => t.Number).Order());
            var lost = (await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{victim.CurrentJobs.Single()}", GenApiFactory.Json))!;
            Assert.Equal((JobStatus.Succeeded, 2), (lost.Status, lost.Attempts));
            foreach (var trial in done.Leaderboard)
                Assert.Single(await GenApiFactory.EventsAsync(client, trial.JobId), e => e.Kind == "succeeded");
        }
        catch
        {
            foreach (var log in Directory.GetFiles(shared, "*.log"))
                output.WriteLine($"==== {Path.GetFileName(log)}\n{string.Join('\n', File.ReadLines(log).TakeLast(40))}");
            throw;
        }
    }

    // The trace context travels with the job through PostgreSQL: the worker process's spans join the API request's trace
    // (a caller-chosen traceparent, so the test knows the id), and both processes export over OTLP. The worker answers
    // its own health probes.
    [SkippableFact]
    public async Task AJobsTrace_ContinuesInTheWorkerProcess_AndTheWorkerAnswersItsProbes()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var shared = TestPaths.NewScratch();
        var bodies = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        await using var collector = await HttpReceiver.StartAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (context.Request.Path == "/v1/traces") bodies.Enqueue(body.ToArray());
        });
        var environment = ServiceEnvironment(database, shared);
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        environment["Logging__Console__FormatterName"] = "json";
        var healthPort = ServiceProcess.FreePort();
        using var cluster = new Cluster(environment, shared, new() { ["Worker__HealthUrls"] = $"http://127.0.0.1:{healthPort}" });
        var client = cluster.Client;
        await WaitForWorkersAsync(client, 2);
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);

        var traceId = ActivityTraceId.CreateRandom();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(GenApiFactory.TinyJob(steps: 20)) };
        post.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var job = (await (await client.SendAsync(post)).Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!;
        Assert.Equal(JobStatus.Succeeded, (await GenApiFactory.WaitForFinishAsync(client, job.Id, Patience)).Status);

        // OTLP protobuf carries trace ids as 16 raw bytes and the resource's service.name as a string.
        var id = Convert.FromHexString(traceId.ToHexString());
        bool Exported(string service) => bodies.Any(b => b.AsSpan().IndexOf(id) >= 0 && b.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(service)) >= 0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(Exported("genapi-api") && Exported("genapi-worker")) && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.True(Exported("genapi-api"), "the API exported no span of the job's trace");
        Assert.True(Exported("genapi-worker"), "the worker exported no span of the job's trace");

        // Console logs as JSON, one object a line, and the database password in none of them.
        var password = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Password!;
        foreach (var process in new[] { cluster.Api, cluster.WorkerA, cluster.WorkerB })
        {
            var lines = File.ReadAllLines(process.LogFile).Where(l => l.StartsWith('{')).ToList();
            Assert.True(lines.Count >= 3, $"{process.LogFile}: {lines.Count} JSON lines");
            Assert.All(lines, l => Assert.True(System.Text.Json.JsonDocument.Parse(l).RootElement.TryGetProperty("Category", out _)));
            Assert.DoesNotContain(File.ReadAllLines(process.LogFile), l => l.Contains(password, StringComparison.Ordinal));
        }
    }

    private static Dictionary<string, string> ServiceEnvironment(PostgresDatabase database, string shared) => new()
    {
        ["Storage__Provider"] = "postgres",
        ["Storage__ConnectionString"] = database.ConnectionString,
        ["Storage__DataDirectory"] = shared,
        ["Queue__InvisibilityTimeout"] = "00:00:06",
        ["Queue__Lease"] = "00:00:04",
        ["Worker__Device"] = "cpu",
        ["Worker__Threads"] = "1",
        ["Auth__AdminKey"] = GenApiFactory.AdminKey,
    };

    /// <summary>The API and two worker processes on one PostgreSQL and one shared directory, and a client of the API.</summary>
    private sealed class Cluster : IDisposable
    {
        public Cluster(Dictionary<string, string> environment, string shared, Dictionary<string, string>? workerA = null)
        {
            var port = ServiceProcess.FreePort();
            Api = new ServiceProcess("GenApi", new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }, Path.Combine(shared, "api.log"));
            WorkerA = new ServiceProcess("GenApi.Worker", new Dictionary<string, string>(environment).Concat(workerA ?? []).ToDictionary(), Path.Combine(shared, "worker-a.log"));
            WorkerB = new ServiceProcess("GenApi.Worker", environment, Path.Combine(shared, "worker-b.log"));
            // Real processes over real HTTP: their answers are held to the document too.
            Client = new HttpClient(new Contract.ResponseContractCheck { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GenApiFactory.AdminKey);
        }

        public ServiceProcess Api { get; }
        public ServiceProcess WorkerA { get; }
        public ServiceProcess WorkerB { get; }
        public HttpClient Client { get; }

        public void Dispose()
        {
            Client.Dispose();
            WorkerB.Dispose();
            WorkerA.Dispose();
            Api.Dispose();
        }
    }

    private static async Task WaitForEventAsync(HttpClient client, string jobId, string kind)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!(await GenApiFactory.EventsAsync(client, jobId)).Any(e => e.Kind == kind))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no '{kind}' event for {jobId}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForWorkersAsync(HttpClient client, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var workers = await client.GetFromJsonAsync<List<WorkerResponse>>("/v1/workers", GenApiFactory.Json);
                if (workers!.Count(w => w.Alive) >= count) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // the API is still starting
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} workers reported in time");
            await Task.Delay(200);
        }
    }
}
