using System.Text.Json;
using GenApi.Worker.Contracts;
using GenApi.Worker.Storage;
using GenApi.Worker.Sweeps;
using Npgsql;

namespace GenApi.Tests.Storage;

/// <summary>The job store's guarantees, checked on both SQLite (embedded) and PostgreSQL (distributed).</summary>
public sealed class JobStoreContractTests
{
    public static TheoryData<string> Providers => new() { StorageOptions.Sqlite, StorageOptions.Postgres };

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly JobSpec Spec = new() { Dataset = "synthetic" };

    private sealed class Subject(SqlJobStore store, PostgresDatabase? database, Func<System.Data.Common.DbConnection> connect) : IAsyncDisposable
    {
        public SqlJobStore Store { get; } = store;
        /// <summary>A connection behind the store's back, to set up what another binary would have left.</summary>
        public Func<System.Data.Common.DbConnection> Connect { get; } = connect;
        public ValueTask DisposeAsync() => database?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private static async Task<Subject> CreateAsync(string provider)
    {
        Subject subject;
        if (provider == StorageOptions.Postgres)
        {
            var database = await PostgresDatabase.CreateAsync();
            var source = NpgsqlDataSource.Create(database.ConnectionString);
            subject = new Subject(new SqlJobStore(source.CreateConnection, SqlDialect.Postgres), database, source.CreateConnection);
        }
        else
        {
            var folder = TestPaths.NewScratch();
            subject = new Subject(Api.GenApiFactory.EmbeddedStore(folder), null,
                () => new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "genapi.db")}"));
        }
        await subject.Store.MigrateAsync();
        return subject;
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task Migrations_AreIdempotent_AndSafeToRunConcurrently(string provider)
    {
        await using var subject = await CreateAsync(provider);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => subject.Store.MigrateAsync()));
        var job = await subject.Store.CreateJobAsync("job_a", Spec);
        Assert.Equal(JobStatus.Queued, job.Status);
    }

    // A rolling upgrade: the new API has migrated, an old worker restarts against the database.
    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task AnOlderBinary_RefusesToStart_AgainstANewerSchema(string provider)
    {
        await using var subject = await CreateAsync(provider);
        await using (var connection = subject.Connect())
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO SchemaVersion (Version) VALUES (10000)";
            await command.ExecuteNonQueryAsync();
        }
        for (var start = 0; start < 2; start++)
        {
            var refused = await Assert.ThrowsAsync<SchemaTooNewException>(() => subject.Store.MigrateAsync());
            Assert.Equal(10000, refused.DatabaseVersion);
            Assert.Contains("newer than this GenApi's", refused.Message);
        }
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task OnlyOneWorker_HoldsARunningJob_UntilItsLeaseExpires(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        await store.CreateJobAsync("job_a", Spec);

        Assert.Equal(JobStart.Started, await store.TryStartAsync("job_a", "w1", TimeSpan.FromSeconds(1), 3));
        Assert.Equal(JobStart.HeldByOther, await store.TryStartAsync("job_a", "w2", Lease, 3));
        Assert.True(await store.RenewLeaseAsync("job_a", "w1", TimeSpan.FromSeconds(1)));
        Assert.False(await store.RenewLeaseAsync("job_a", "w2", Lease));

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(JobStart.Started, await store.TryStartAsync("job_a", "w2", Lease, 3));
        // The first worker is gone as far as the store knows: it can neither renew nor finish.
        Assert.False(await store.RenewLeaseAsync("job_a", "w1", Lease));
        Assert.False(await store.FinishAsync("job_a", "w1", JobStatus.Succeeded, "model_x", null));
        Assert.True(await store.FinishAsync("job_a", "w2", JobStatus.Succeeded, "model_y", null));

        var job = (await store.GetJobAsync("job_a"))!;
        Assert.Equal((JobStatus.Succeeded, "model_y", 2), (job.Status, job.ModelId, job.Attempts));
        Assert.Equal(JobStart.NotRunnable, await store.TryStartAsync("job_a", "w3", Lease, 3));
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task AJobWhoseWorkersKeepDying_FailsAfterMaxAttempts(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        await store.CreateJobAsync("job_a", Spec);
        var instant = TimeSpan.FromMilliseconds(1);
        Assert.Equal(JobStart.Started, await store.TryStartAsync("job_a", "w1", instant, 2));
        await Task.Delay(20);
        Assert.Equal(JobStart.Started, await store.TryStartAsync("job_a", "w2", instant, 2));
        await Task.Delay(20);
        Assert.Equal(JobStart.AttemptsExhausted, await store.TryStartAsync("job_a", "w3", Lease, 2));

        var job = (await store.GetJobAsync("job_a"))!;
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("the job was interrupted 2 times (worker lost or stopped); giving up", job.Error);
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task AGracefulRelease_GivesTheAttemptBack_AndFreesTheJobAtOnce(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        await store.CreateJobAsync("job_a", Spec);
        Assert.Equal(JobStart.Started, await store.TryStartAsync("job_a", "w1", Lease, 1));
        await store.ReleaseLeaseAsync("job_a", "w1");
        Assert.Equal(JobStart.Started, await store.TryStartAsync("job_a", "w2", Lease, 1));
        Assert.Equal(1, (await store.GetJobAsync("job_a"))!.Attempts);
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task Cancel_EndsAQueuedJobAtOnce_AndFlagsARunningOne(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        await store.CreateJobAsync("job_q", Spec);
        await store.CreateJobAsync("job_r", Spec);
        await store.TryStartAsync("job_r", "w1", Lease, 3);

        Assert.Equal(JobStatus.Canceled, (await store.RequestCancelAsync("job_q"))!.Status);
        Assert.Equal(JobStart.NotRunnable, await store.TryStartAsync("job_q", "w1", Lease, 3));
        var running = (await store.RequestCancelAsync("job_r"))!;
        Assert.Equal((JobStatus.Running, true), (running.Status, running.CancelRequested));
        Assert.Null(await store.RequestCancelAsync("job_missing"));
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task EventsAndWorkers_RoundTrip(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        await store.CreateJobAsync("job_a", Spec);
        await store.AddEventAsync("job_a", "started", "started on worker w1");
        var events = await store.ListEventsAsync("job_a");
        Assert.Equal(["queued", "started"], events.Select(e => e.Kind));
        Assert.True(events[1].Id > events[0].Id);
        Assert.InRange(events[1].At, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        await store.HeartbeatAsync("w1", "host:1", "cpu", ["job_a"]);
        await store.HeartbeatAsync("w1", "host:1", "cpu", []);
        await store.HeartbeatAsync("w2", "host:2", "cuda:0", ["job_b", "job_c"]);
        var workers = await store.ListWorkersAsync();
        Assert.Equal([("w1", 0), ("w2", 2)], workers.Select(w => (w.Id, w.CurrentJobs.Count)));
        await store.RemoveWorkerAsync("w1");
        Assert.Single(await store.ListWorkersAsync());
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task NeverEnqueuedJobs_AndSilentWorkers_AreFoundForTheSweeper(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        await store.CreateJobAsync("job_lost", Spec);
        await store.CreateJobAsync("job_sent", Spec);
        await store.MarkEnqueuedAsync("job_sent");
        await store.HeartbeatAsync("w_old", "host:1", "cpu", []);
        await Task.Delay(1200);
        await store.HeartbeatAsync("w_new", "host:2", "cpu", []);

        Assert.Equal(["job_lost"], await store.NeverEnqueuedJobIdsAsync(TimeSpan.FromSeconds(1)));
        Assert.Empty(await store.NeverEnqueuedJobIdsAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(1, await store.PruneWorkersAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(["w_new"], (await store.ListWorkersAsync()).Select(w => w.Id));
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task IdempotencyKeys_AreReservedOnce_CompletedOrReleased_AndExpire(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        var reservations = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.ReserveIdempotencyKeyAsync("t", "k", "h1", TimeSpan.FromSeconds(1))));
        Assert.Single(reservations, r => r is null);
        Assert.All(reservations.Where(r => r is not null), r => Assert.True(r!.Pending));

        await store.CompleteIdempotencyKeyAsync("t", "k", new GenApi.Worker.Contracts.IdempotentResponse { Status = 202, ContentType = "image/png", Body = "AAEC" });
        var done = (await store.ReserveIdempotencyKeyAsync("t", "k", "h1", TimeSpan.FromSeconds(1)))!;
        Assert.Equal((false, 202, "image/png", "AAEC", "h1"), (done.Pending, done.Status, done.ContentType, done.Body, done.RequestHash));

        Assert.Null(await store.ReserveIdempotencyKeyAsync("t", "released", "h", TimeSpan.FromMinutes(1)));
        await store.ReleaseIdempotencyKeyAsync("t", "released");
        Assert.Null(await store.ReserveIdempotencyKeyAsync("t", "released", "h", TimeSpan.FromMinutes(1)));

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Null(await store.ReserveIdempotencyKeyAsync("t", "k", "h2", TimeSpan.FromSeconds(1)));
    }

    // Column lists are typed by hand in the store: a column left out of an INSERT or SELECT must fail here, so every
    // property of the sample records is set to a non-default value and must come back as it went in.
    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task StoredRecords_RoundTripEveryColumn(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        var model = new ModelRecord
        {
            Id = "model_a", Team = "team-a", JobId = "job_a", Family = "cdcgan", Dataset = "fashion-mnist",
            Config = new ModelConfig(32, 3, 16, 8, "cdcgan", 10, Ema: true), Steps = 42, CreatedAt = DateTimeOffset.UnixEpoch.AddDays(1),
            Lineage = new Worker.Contracts.ModelLineage("model_parent",
                new Worker.Contracts.CompressionSpec("model_parent", new Worker.Contracts.PruneSpec(0.5, "channels", FineTuneSteps: 10), Quantize: "int8"),
                new Worker.Contracts.CompressionReport(
                    new Worker.Contracts.ModelFigures(new Worker.Contracts.ModelCost(100, 90, 2000), 4000, 12.5, new Worker.Contracts.EvaluationScores(10, 0.1, 0.01, 0.8, 0.7, 200)),
                    new Worker.Contracts.ModelFigures(new Worker.Contracts.ModelCost(25, 25, 500), 300, 4.5, null), 0.05, 0.2, "cpu", 15)),
            Origin = new Worker.Contracts.ModelOrigin(Worker.Contracts.ModelOrigin.FineTuned, "model_parent", FreezeD: 2),
        };
        AssertEveryPropertySet(model);
        await store.CreateModelAsync(model);
        var stored = (await store.GetModelAsync("model_a", "team-a"))!;
        Assert.Equal(model, stored with { CreatedAt = model.CreatedAt });
        Assert.Equal(stored, (await store.ListModelsAsync("team-a", null, 10)).Single());
        Assert.Null(await store.GetModelAsync("model_a", "team-b"));

        var sweepSpec = new SweepSpec
        {
            BaseRequest = "{\"dataset\":\"synthetic\"}", Method = SweepMethod.Tpe, Metric = new SweepMetric(SweepMetric.Recall, SweepGoal.Maximize),
            EarlyStopping = new EarlyStopping(EarlyStoppingType.Asha, 4, 20, 3), MaxTrials = 12, MaxParallel = 2, Seed = 9, Steps = 90, CheckpointEvery = 10,
            Parameters = [new SweepParameter("loss", [JsonSerializer.SerializeToElement("hinge")]), new SweepParameter("learningRate", null, 1e-4, 1e-2, ParameterDistribution.LogUniform)],
        };
        var sweep = new SweepRecord { Id = "sweep_a", Team = "team-a", Status = SweepStatus.Running, Spec = sweepSpec, CreatedAt = DateTimeOffset.UnixEpoch };
        await store.CreateSweepAsync(sweep);
        var spec = Spec with { Model = "vae", LatentDim = 7, Evaluate = true, Training = new() { Steps = 9, Seed = 5 } };
        var trial = new TrialInfo("sweep_a", 3, new Dictionary<string, JsonElement> { ["loss"] = JsonSerializer.SerializeToElement("hinge") });
        Assert.True(await store.CreateTrialAsync(sweep, trial, "job_a", spec, new WebhookSubscription("https://example.com/hook", ["started"])));
        Assert.False(await store.CreateTrialAsync(sweep, trial, "job_a", spec));
        await store.TryStartAsync("job_a", "w1", Lease, 3);
        await store.ReportProgressAsync("job_a", "w1", 7, 0.5, 1.5, 300, 2e-4);
        await store.AddRecoveredUpdateAsync("job_a", "w1");
        await store.AddRecoveredUpdateAsync("job_a", "w1");
        await store.AddRecoveredUpdateAsync("job_a", "w2");
        await store.RequestCancelAsync("job_a", "team-a");
        await store.FinishAsync("job_a", "w1", JobStatus.Failed, "model_a", "boom");
        var job = (await store.GetJobAsync("job_a", "team-a"))!;
        AssertEveryPropertySet(job);
        Assert.Equal(
            ("job_a", "team-a", JobStatus.Failed, 7, 300.0, 0.5, 1.5, "model_a", "boom", true, 1, 2),
            (job.Id, job.Team, job.Status, job.Step, job.ImagesPerSecond, job.LossD, job.LossG, job.ModelId, job.Error, job.CancelRequested, job.Attempts, job.RecoveredUpdates));
        Assert.Equal(JsonSerializer.Serialize(spec), JsonSerializer.Serialize(job.Spec));
        Assert.Equal(("https://example.com/hook", "started"), (job.Webhook!.Url, job.Webhook.Events.Single()));
        Assert.True(job.CreatedAt <= job.StartedAt && job.StartedAt <= job.FinishedAt);
        Assert.Equal(JsonSerializer.Serialize(job), JsonSerializer.Serialize((await store.ListJobsAsync("team-a", null, null, 10)).Single()));
        Assert.Empty(await store.ListJobsAsync("team-b", null, null, 10));
        Assert.Equal(("sweep_a", 3, "\"hinge\""), (job.Trial!.SweepId, job.Trial.Number, job.Trial.Parameters["loss"].GetRawText()));
        Assert.Equal(JsonSerializer.Serialize(job), JsonSerializer.Serialize((await store.ListTrialsAsync("sweep_a")).Single()));

        // Every score column, the translation models' reverse distance included.
        var evaluation = new GenApi.Worker.Contracts.EvaluationResult(
            new EvaluationScores(1.5, 2.5, 0.5, 0.7, 0.6, 300, 0.02, 0.9, 0.01, -80.5, 3.25, 12.75, 7),
            new EvaluationScores(0.4, 0.1, 0, 0.95, 0.96, 300, 0.001, 0.97), 0.97, 5);
        await store.AddScoresAsync("job_a", evaluation);
        Assert.Equal(JsonSerializer.Serialize(evaluation), JsonSerializer.Serialize((await store.ListScoresAsync("job_a")).Single()));
        Assert.Equal(JsonSerializer.Serialize(evaluation), JsonSerializer.Serialize((await store.ListSweepScoresAsync("sweep_a")).Single().Evaluation));

        Assert.True(await store.FinishSweepAsync("sweep_a", SweepStatus.Failed, "no trial was scored."));
        Assert.False(await store.FinishSweepAsync("sweep_a", SweepStatus.Canceled, "late"));
        var storedSweep = (await store.GetSweepAsync("sweep_a", "team-a"))!;
        AssertEveryPropertySet(storedSweep);
        Assert.Equal((SweepStatus.Failed, "no trial was scored."), (storedSweep.Status, storedSweep.Error));
        Assert.Equal(sweepSpec.Serialize(), storedSweep.Spec.Serialize());
        Assert.Null(await store.GetSweepAsync("sweep_a", "team-b"));
        Assert.False(await store.CreateTrialAsync(sweep, trial with { Number = 4 }, "job_b", spec));
    }

    [SkippableTheory, MemberData(nameof(Providers))]
    public async Task SweepControllerLease_IsHeldByOneOwnerAtATime_AndPassesOnWhenItExpires(string provider)
    {
        await using var subject = await CreateAsync(provider);
        var store = subject.Store;
        Assert.True(await store.TryTakeLeaseAsync("controller", "api-1", TimeSpan.FromSeconds(1)));
        Assert.False(await store.TryTakeLeaseAsync("controller", "api-2", TimeSpan.FromSeconds(1)));
        Assert.True(await store.TryTakeLeaseAsync("controller", "api-1", TimeSpan.FromSeconds(1)));
        await Task.Delay(1300);
        Assert.True(await store.TryTakeLeaseAsync("controller", "api-2", TimeSpan.FromSeconds(10)));
        Assert.False(await store.TryTakeLeaseAsync("controller", "api-1", TimeSpan.FromSeconds(10)));
    }

    private static void AssertEveryPropertySet(object record)
    {
        foreach (var property in record.GetType().GetProperties())
        {
            var value = property.GetValue(record);
            var unset = value is null || value is "" || (property.PropertyType.IsValueType && value.Equals(Activator.CreateInstance(property.PropertyType)));
            Assert.False(unset, $"The round-trip sample leaves {record.GetType().Name}.{property.Name} unset: give it a value so its column is checked.");
        }
    }
}
