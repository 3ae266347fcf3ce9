using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Storage;

/// <summary>The job store on SQLite (embedded mode) or PostgreSQL (distributed mode); see <see cref="SqlDialect"/>.</summary>
public sealed partial class SqlJobStore : IJobStore
{
    private const string JobColumns =
        "Id, Team, Status, Spec, Webhook, CreatedAt, StartedAt, FinishedAt, Step, ImagesPerSecond, LossD, LossG, ModelId, Error, CancelRequested, Attempts, SweepId, Trial, TrialParameters, RecoveredUpdates";
    private const string ModelColumns = "Id, Team, JobId, Family, Dataset, Config, Steps, CreatedAt, Lineage, Origin";

    private readonly Func<DbConnection> _connect;
    private readonly SqlDialect _sql;

    static SqlJobStore() => SqlMapper.AddTypeHandler(new TimestampHandler());

    public SqlJobStore(Func<DbConnection> connect, SqlDialect dialect)
    {
        _connect = connect;
        _sql = dialect;
    }

    /// <summary>Applies the dialect's migrations not yet applied; safe to call from several processes at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        if (_sql == SqlDialect.Sqlite) await connection.ExecuteAsync("PRAGMA journal_mode = WAL");
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellation);
        await connection.ExecuteAsync(_sql.LockForMigration, transaction: transaction);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS SchemaVersion (Version INTEGER NOT NULL)", transaction: transaction);
        var current = await connection.ExecuteScalarAsync<int?>("SELECT MAX(Version) FROM SchemaVersion", transaction: transaction) ?? 0;
        // During a rolling upgrade an old binary must not write rows the newer schema gives other meanings to.
        if (current > _sql.Migrations.Count) throw new SchemaTooNewException(current, _sql.Migrations.Count);
        for (var version = current + 1; version <= _sql.Migrations.Count; version++)
        {
            await connection.ExecuteAsync(_sql.Migrations[version - 1], transaction: transaction);
            await connection.ExecuteAsync("INSERT INTO SchemaVersion (Version) VALUES (@version)", new { version }, transaction);
        }
        await transaction.CommitAsync(cancellation);
    }

    public async Task<JobRecord> CreateJobAsync(string id, JobSpec spec, string team = "", WebhookSubscription? webhook = null, CancellationToken cancellation = default)
    {
        await Run(connection => connection.ExecuteAsync(Command($"""
                INSERT INTO Jobs (Id, Team, Status, Spec, Webhook, CreatedAt) VALUES (@id, @team, 'queued', @spec, @webhook, {_sql.Now});
                INSERT INTO JobEvents (JobId, At, Kind, Message) VALUES (@id, {_sql.Now}, 'queued', 'queued');
                """, new { id, team, spec = JsonSerializer.Serialize(spec), webhook = webhook is null ? null : JsonSerializer.Serialize(webhook) }, cancellation)), cancellation);
        return (await GetJobAsync(id, cancellation: cancellation))!;
    }

    public async Task<JobRecord?> GetJobAsync(string id, string? team = null, CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<JobRow>(Command(
                $"SELECT {JobColumns} FROM Jobs WHERE Id = @id AND (@team IS NULL OR Team = @team)", new { id, team }, cancellation));
            return row?.ToRecord();
        }, cancellation);
    }

    public async Task<IReadOnlyList<string>> UnfinishedJobIdsAsync(CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            return (await connection.QueryAsync<string>(Command(
                "SELECT Id FROM Jobs WHERE Status IN ('queued', 'running') ORDER BY CreatedAt", null, cancellation))).AsList();
        }, cancellation);
    }

    public async Task MarkEnqueuedAsync(string id, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command(
            $"UPDATE Jobs SET EnqueuedAt = {_sql.Now} WHERE Id = @id", new { id }, cancellation)), cancellation);

    public async Task<IReadOnlyList<string>> NeverEnqueuedJobIdsAsync(TimeSpan age, CancellationToken cancellation = default) =>
        await Run(async connection => (await connection.QueryAsync<string>(Command(
            $"SELECT Id FROM Jobs WHERE Status = 'queued' AND EnqueuedAt IS NULL AND CreatedAt < {_sql.NowMinusSeconds} ORDER BY CreatedAt",
            new { seconds = age.TotalSeconds }, cancellation))).AsList(), cancellation);

    public async Task<int> PruneWorkersAsync(TimeSpan age, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command(
            $"DELETE FROM Workers WHERE HeartbeatAt < {_sql.NowMinusSeconds}", new { seconds = age.TotalSeconds }, cancellation)), cancellation);

    public async Task<JobStart> TryStartAsync(string id, string owner, TimeSpan lease, int maxAttempts, CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            var takeable = $"(Status = 'queued' OR (Status = 'running' AND (LeaseExpiresAt IS NULL OR LeaseExpiresAt < {_sql.Now})))";
            var started = await connection.ExecuteAsync(Command($"""
                UPDATE Jobs SET Status = 'running', StartedAt = COALESCE(StartedAt, {_sql.Now}), Attempts = Attempts + 1,
                    LeaseOwner = @owner, LeaseExpiresAt = {_sql.NowPlusSeconds}
                WHERE Id = @id AND CancelRequested = 0 AND Attempts < @maxAttempts AND {takeable}
                """, new { id, owner, seconds = lease.TotalSeconds, maxAttempts }, cancellation));
            if (started == 1) return JobStart.Started;

            var exhausted = await connection.ExecuteAsync(Command($"""
                UPDATE Jobs SET Status = 'failed', FinishedAt = {_sql.Now}, LeaseOwner = NULL, LeaseExpiresAt = NULL,
                    Error = 'the job was interrupted ' || Attempts || ' times (worker lost or stopped); giving up'
                WHERE Id = @id AND CancelRequested = 0 AND Attempts >= @maxAttempts AND {takeable}
                """, new { id, maxAttempts }, cancellation));
            if (exhausted == 1) return JobStart.AttemptsExhausted;

            var status = await connection.ExecuteScalarAsync<string?>(Command("SELECT Status FROM Jobs WHERE Id = @id", new { id }, cancellation));
            return status == "running" ? JobStart.HeldByOther : JobStart.NotRunnable;
        }, cancellation);
    }

    public async Task<bool> RenewLeaseAsync(string id, string owner, TimeSpan lease, CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            return await connection.ExecuteAsync(Command(
                $"UPDATE Jobs SET LeaseExpiresAt = {_sql.NowPlusSeconds} WHERE Id = @id AND LeaseOwner = @owner AND Status = 'running'",
                new { id, owner, seconds = lease.TotalSeconds }, cancellation)) == 1;
        }, cancellation);
    }

    public async Task ReleaseLeaseAsync(string id, string owner, CancellationToken cancellation = default)
    {
        await Run(async connection =>
        {
            await connection.ExecuteAsync(Command(
                // A graceful stop is not a lost worker: it gives its attempt back.
                "UPDATE Jobs SET LeaseOwner = NULL, LeaseExpiresAt = NULL, Attempts = Attempts - 1 WHERE Id = @id AND LeaseOwner = @owner AND Status = 'running'",
                new { id, owner }, cancellation));
            return true;
        }, cancellation);
    }

    public async Task ReportProgressAsync(string id, string owner, int step, double lossD, double lossG, double imagesPerSecond, double learningRate, CancellationToken cancellation = default)
    {
        await Run(connection => connection.ExecuteAsync(Command($"""
            UPDATE Jobs SET Step = @step, LossD = @lossD, LossG = @lossG, ImagesPerSecond = @imagesPerSecond
            WHERE Id = @id AND LeaseOwner = @owner AND Status = 'running';
            INSERT INTO JobMetrics (JobId, Step, LossD, LossG, ImagesPerSecond, LearningRate, At)
            SELECT @id, @step, @lossD, @lossG, @imagesPerSecond, @learningRate, {_sql.Now}
            WHERE EXISTS (SELECT 1 FROM Jobs WHERE Id = @id AND LeaseOwner = @owner AND Status = 'running');
            """, new { id, owner, step, lossD, lossG, imagesPerSecond, learningRate }, cancellation)), cancellation);
    }

    public async Task AddRecoveredUpdateAsync(string id, string owner, CancellationToken cancellation = default)
    {
        await Run(connection => connection.ExecuteAsync(Command(
            "UPDATE Jobs SET RecoveredUpdates = RecoveredUpdates + 1 WHERE Id = @id AND LeaseOwner = @owner AND Status = 'running'",
            new { id, owner }, cancellation)), cancellation);
    }

    public async Task<bool> FinishAsync(string id, string owner, JobStatus status, string? modelId, string? error, CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            return await connection.ExecuteAsync(Command($"""
                UPDATE Jobs SET Status = @status, ModelId = @modelId, Error = @error, FinishedAt = {_sql.Now}, LeaseOwner = NULL, LeaseExpiresAt = NULL
                WHERE Id = @id AND LeaseOwner = @owner AND Status = 'running'
                """, new { id, owner, status = Text(status), modelId, error }, cancellation)) == 1;
        }, cancellation);
    }

    public async Task<JobRecord?> RequestCancelAsync(string id, string? team = null, CancellationToken cancellation = default)
    {
        var canceledWhileQueued = await Run(connection => connection.ExecuteAsync(Command($"""
            UPDATE Jobs SET Status = 'canceled', FinishedAt = {_sql.Now}, Error = 'canceled on request'
            WHERE Id = @id AND Status = 'queued' AND (@team IS NULL OR Team = @team)
            """, new { id, team }, cancellation)), cancellation);
        if (canceledWhileQueued == 1)
            await AddEventAsync(id, "canceled", "canceled on request while queued", cancellation);
        else
            await Run(connection => connection.ExecuteAsync(Command(
                "UPDATE Jobs SET CancelRequested = 1 WHERE Id = @id AND Status = 'running' AND (@team IS NULL OR Team = @team)",
                new { id, team }, cancellation)), cancellation);
        return await GetJobAsync(id, team, cancellation);
    }

    public async Task AddEventAsync(string jobId, string kind, string message, CancellationToken cancellation = default)
    {
        await Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            var eventId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"INSERT INTO JobEvents (JobId, At, Kind, Message) VALUES (@jobId, {_sql.Now}, @kind, @message) RETURNING Id",
                new { jobId, kind, message }, transaction, cancellationToken: cancellation));
            await EnqueueWebhookAsync(connection, transaction, jobId, eventId, kind, cancellation);
            await transaction.CommitAsync(cancellation);
            return true;
        }, cancellation);
    }

    public async Task<IReadOnlyList<JobEvent>> ListEventsAsync(string jobId, long after = 0, int limit = 1000, CancellationToken cancellation = default) =>
        await QueryEventsAsync("JobId = @jobId AND Id > @after", new { jobId, after, limit }, cancellation);

    public async Task<IReadOnlyList<JobEvent>> ListAllEventsAsync(long after, int limit, CancellationToken cancellation = default) =>
        await QueryEventsAsync("Id > @after", new { after, limit }, cancellation);

    public async Task<long> LastEventIdAsync(CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteScalarAsync<long?>(Command("SELECT MAX(Id) FROM JobEvents", null, cancellation)), cancellation) ?? 0;

    private async Task<IReadOnlyList<JobEvent>> QueryEventsAsync(string where, object parameters, CancellationToken cancellation) =>
        await Run(async connection =>
        {
            var rows = await connection.QueryAsync<EventRow>(Command(
                $"SELECT Id, JobId, At, Kind, Message FROM JobEvents WHERE {where} ORDER BY Id LIMIT @limit", parameters, cancellation));
            return rows.Select(r => new JobEvent(r.Id, r.JobId, r.At, r.Kind, r.Message)).ToList();
        }, cancellation);

    public async Task CreateModelAsync(ModelRecord model, CancellationToken cancellation = default)
    {
        await Run(async connection =>
        {
            await connection.ExecuteAsync(Command($"""
                INSERT INTO Models (Id, Team, JobId, Family, Dataset, Config, Steps, CreatedAt, Lineage, Origin)
                VALUES (@Id, @Team, @JobId, @Family, @Dataset, @Config, @Steps, {_sql.Now}, @Lineage, @Origin)
                """, new { model.Id, model.Team, model.JobId, model.Family, model.Dataset, Config = JsonSerializer.Serialize(model.Config), model.Steps,
                    Lineage = model.Lineage is null ? null : JsonSerializer.Serialize(model.Lineage),
                    Origin = model.Origin is null ? null : JsonSerializer.Serialize(model.Origin) }, cancellation));
            return true;
        }, cancellation);
    }

    public async Task<ModelRecord?> GetModelAsync(string id, string? team = null, CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<ModelRow>(Command(
                $"SELECT {ModelColumns} FROM Models WHERE Id = @id AND (@team IS NULL OR Team = @team)", new { id, team }, cancellation));
            return row?.ToRecord();
        }, cancellation);
    }

    public async Task HeartbeatAsync(string workerId, string name, string device, IReadOnlyCollection<string> currentJobs, CancellationToken cancellation = default)
    {
        await Run(async connection =>
        {
            await connection.ExecuteAsync(Command($"""
                INSERT INTO Workers (Id, Name, Device, StartedAt, HeartbeatAt, CurrentJobs) VALUES (@workerId, @name, @device, {_sql.Now}, {_sql.Now}, @jobs)
                ON CONFLICT (Id) DO UPDATE SET HeartbeatAt = {_sql.Now}, CurrentJobs = @jobs
                """, new { workerId, name, device, jobs = string.Join(',', currentJobs) }, cancellation));
            return true;
        }, cancellation);
    }

    public async Task RemoveWorkerAsync(string workerId, CancellationToken cancellation = default)
    {
        await Run(async connection =>
        {
            await connection.ExecuteAsync(Command("DELETE FROM Workers WHERE Id = @workerId", new { workerId }, cancellation));
            return true;
        }, cancellation);
    }

    public async Task<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            var rows = await connection.QueryAsync<WorkerRow>(Command(
                "SELECT Id, Name, Device, StartedAt, HeartbeatAt, CurrentJobs FROM Workers ORDER BY StartedAt", null, cancellation));
            return rows.Select(r => new WorkerRecord(r.Id, r.Name, r.Device, r.StartedAt, r.HeartbeatAt,
                r.CurrentJobs.Split(',', StringSplitOptions.RemoveEmptyEntries))).ToList();
        }, cancellation);
    }

    // A server restart leaves broken connections in the pool; each fails once on first use. Retrying once on a
    // fresh connection is safe: the statement never reached the server.
    private async Task<T> Run<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(cancellation);
                return await work(connection);
            }
            catch (DbException error) when (attempt == 1 && _sql.IsBrokenConnection(error))
            {
            }
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = _connect();
        await connection.OpenAsync(cancellation);
        return connection;
    }

    private static CommandDefinition Command(string sql, object? parameters, CancellationToken cancellation) =>
        new(sql, parameters, cancellationToken: cancellation);

    private static string Text(JobStatus status) => status.ToString().ToLowerInvariant();

    // SQLite hands timestamps back as ISO-8601 text, PostgreSQL as UTC DateTime.
    private sealed class TimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            DateTimeOffset time => time,
            _ => DateTimeOffset.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        };

        // Timestamp parameters go through SqlDialect.Timestamp, which knows each database's form.
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) =>
            throw new NotSupportedException("Pass timestamps through SqlDialect.Timestamp.");
    }

    private sealed class JobRow
    {
        public string Id { get; set; } = "";
        public string Team { get; set; } = "";
        public string Status { get; set; } = "";
        public string Spec { get; set; } = "";
        public string? Webhook { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? StartedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public long Step { get; set; }
        public double? ImagesPerSecond { get; set; }
        public double? LossD { get; set; }
        public double? LossG { get; set; }
        public string? ModelId { get; set; }
        public string? Error { get; set; }
        public long CancelRequested { get; set; }
        public long Attempts { get; set; }
        public string? SweepId { get; set; }
        public long? Trial { get; set; }
        public string? TrialParameters { get; set; }
        public long RecoveredUpdates { get; set; }

        public JobRecord ToRecord() => new()
        {
            Id = Id,
            Team = Team,
            Webhook = Webhook is null ? null : JsonSerializer.Deserialize<WebhookSubscription>(Webhook),
            Status = Enum.Parse<JobStatus>(Status, ignoreCase: true),
            Spec = JsonSerializer.Deserialize<JobSpec>(Spec)!,
            CreatedAt = CreatedAt,
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            Step = (int)Step,
            ImagesPerSecond = ImagesPerSecond,
            LossD = LossD,
            LossG = LossG,
            ModelId = ModelId,
            Error = Error,
            CancelRequested = CancelRequested != 0,
            Attempts = (int)Attempts,
            RecoveredUpdates = (int)RecoveredUpdates,
            Trial = SweepId is null ? null : new TrialInfo(SweepId, (int)Trial!.Value,
                JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(TrialParameters ?? "{}")!),
        };
    }

    private sealed class ModelRow
    {
        public string Id { get; set; } = "";
        public string Team { get; set; } = "";
        public string JobId { get; set; } = "";
        public string Family { get; set; } = "";
        public string Dataset { get; set; } = "";
        public string Config { get; set; } = "";
        public long Steps { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string? Lineage { get; set; }
        public string? Origin { get; set; }

        public ModelRecord ToRecord() => new()
        {
            Id = Id, Team = Team, JobId = JobId, Family = Family, Dataset = Dataset,
            Config = JsonSerializer.Deserialize<ModelConfig>(Config)!, Steps = (int)Steps, CreatedAt = CreatedAt,
            Lineage = Lineage is null ? null : JsonSerializer.Deserialize<ModelLineage>(Lineage),
            Origin = Origin is null ? null : JsonSerializer.Deserialize<ModelOrigin>(Origin),
        };
    }

    private sealed class EventRow
    {
        public long Id { get; set; }
        public string JobId { get; set; } = "";
        public DateTimeOffset At { get; set; }
        public string Kind { get; set; } = "";
        public string Message { get; set; } = "";
    }

    private sealed class WorkerRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Device { get; set; } = "";
        public DateTimeOffset StartedAt { get; set; }
        public DateTimeOffset HeartbeatAt { get; set; }
        public string CurrentJobs { get; set; } = "";
    }
}
