using System.Globalization;
using System.Text.Json;
using Dapper;
using GenApi.Worker.Models;
using Microsoft.Data.Sqlite;

namespace GenApi.Worker.Jobs;

/// <summary>The embedded-mode store: one SQLite file in the data directory.</summary>
public sealed class SqliteJobStore : IJobStore
{
    private const string JobColumns =
        "Id, Status, Spec, CreatedAt, StartedAt, FinishedAt, Step, ImagesPerSecond, LossD, LossG, ModelId, Error, CancelRequested, Attempts";

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteJobStore(string databasePath, TimeProvider time)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 30 }.ToString();
        _time = time;
        using var connection = Open();
        connection.Execute("""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS Jobs (
                Id TEXT PRIMARY KEY, Status TEXT NOT NULL, Spec TEXT NOT NULL, CreatedAt TEXT NOT NULL,
                StartedAt TEXT, FinishedAt TEXT, Step INTEGER NOT NULL DEFAULT 0, ImagesPerSecond REAL,
                LossD REAL, LossG REAL, ModelId TEXT, Error TEXT,
                CancelRequested INTEGER NOT NULL DEFAULT 0, Attempts INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS JobsByStatus ON Jobs (Status, CreatedAt);
            CREATE TABLE IF NOT EXISTS Models (
                Id TEXT PRIMARY KEY, JobId TEXT NOT NULL, Family TEXT NOT NULL, Dataset TEXT NOT NULL,
                Config TEXT NOT NULL, Steps INTEGER NOT NULL, CreatedAt TEXT NOT NULL);
            """);
    }

    public async Task CreateJobAsync(JobRecord job, CancellationToken cancellation = default)
    {
        await using var connection = Open();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO Jobs (Id, Status, Spec, CreatedAt) VALUES (@Id, @Status, @Spec, @CreatedAt)",
            new { job.Id, Status = Text(job.Status), Spec = JsonSerializer.Serialize(job.Spec), CreatedAt = Text(job.CreatedAt) },
            cancellationToken: cancellation));
    }

    public async Task<JobRecord?> GetJobAsync(string id, CancellationToken cancellation = default)
    {
        await using var connection = Open();
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobColumns} FROM Jobs WHERE Id = @id", new { id }, cancellationToken: cancellation));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<string>> UnfinishedJobIdsAsync(CancellationToken cancellation = default)
    {
        await using var connection = Open();
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT Id FROM Jobs WHERE Status IN ('queued', 'running') ORDER BY CreatedAt", cancellationToken: cancellation));
        return ids.AsList();
    }

    public async Task<bool> TryStartAsync(string id, CancellationToken cancellation = default)
    {
        await using var connection = Open();
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE Jobs SET Status = 'running', StartedAt = COALESCE(StartedAt, @now), Attempts = Attempts + 1
            WHERE Id = @id AND Status IN ('queued', 'running') AND CancelRequested = 0
            """, new { id, now = Text(_time.GetUtcNow()) }, cancellationToken: cancellation)) == 1;
    }

    public async Task ReportProgressAsync(string id, int step, double lossD, double lossG, double imagesPerSecond, CancellationToken cancellation = default)
    {
        await using var connection = Open();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE Jobs SET Step = @step, LossD = @lossD, LossG = @lossG, ImagesPerSecond = @imagesPerSecond WHERE Id = @id AND Status = 'running'",
            new { id, step, lossD, lossG, imagesPerSecond }, cancellationToken: cancellation));
    }

    public async Task<bool> FinishAsync(string id, JobStatus status, string? modelId, string? error, CancellationToken cancellation = default)
    {
        await using var connection = Open();
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE Jobs SET Status = @status, ModelId = @modelId, Error = @error, FinishedAt = @now WHERE Id = @id AND Status = 'running'",
            new { id, status = Text(status), modelId, error, now = Text(_time.GetUtcNow()) }, cancellationToken: cancellation)) == 1;
    }

    public async Task<JobRecord?> RequestCancelAsync(string id, CancellationToken cancellation = default)
    {
        await using (var connection = Open())
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE Jobs SET Status = 'canceled', FinishedAt = @now WHERE Id = @id AND Status = 'queued';
                UPDATE Jobs SET CancelRequested = 1 WHERE Id = @id AND Status = 'running';
                """, new { id, now = Text(_time.GetUtcNow()) }, cancellationToken: cancellation));
        }
        return await GetJobAsync(id, cancellation);
    }

    public async Task CreateModelAsync(ModelRecord model, CancellationToken cancellation = default)
    {
        await using var connection = Open();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO Models (Id, JobId, Family, Dataset, Config, Steps, CreatedAt) VALUES (@Id, @JobId, @Family, @Dataset, @Config, @Steps, @CreatedAt)",
            new { model.Id, model.JobId, model.Family, model.Dataset, Config = JsonSerializer.Serialize(model.Config), model.Steps, CreatedAt = Text(model.CreatedAt) },
            cancellationToken: cancellation));
    }

    public async Task<ModelRecord?> GetModelAsync(string id, CancellationToken cancellation = default)
    {
        await using var connection = Open();
        var row = await connection.QuerySingleOrDefaultAsync<ModelRow>(new CommandDefinition(
            "SELECT Id, JobId, Family, Dataset, Config, Steps, CreatedAt FROM Models WHERE Id = @id", new { id }, cancellationToken: cancellation));
        return row?.ToRecord();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static string Text(JobStatus status) => status.ToString().ToLowerInvariant();
    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
    private static DateTimeOffset? Time(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private sealed class JobRow
    {
        public string Id { get; set; } = "";
        public string Status { get; set; } = "";
        public string Spec { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string? StartedAt { get; set; }
        public string? FinishedAt { get; set; }
        public long Step { get; set; }
        public double? ImagesPerSecond { get; set; }
        public double? LossD { get; set; }
        public double? LossG { get; set; }
        public string? ModelId { get; set; }
        public string? Error { get; set; }
        public long CancelRequested { get; set; }
        public long Attempts { get; set; }

        public JobRecord ToRecord() => new()
        {
            Id = Id,
            Status = Enum.Parse<JobStatus>(Status, ignoreCase: true),
            Spec = JsonSerializer.Deserialize<JobSpec>(Spec)!,
            CreatedAt = Time(CreatedAt)!.Value,
            StartedAt = Time(StartedAt),
            FinishedAt = Time(FinishedAt),
            Step = (int)Step,
            ImagesPerSecond = ImagesPerSecond,
            LossD = LossD,
            LossG = LossG,
            ModelId = ModelId,
            Error = Error,
            CancelRequested = CancelRequested != 0,
            Attempts = (int)Attempts,
        };
    }

    private sealed class ModelRow
    {
        public string Id { get; set; } = "";
        public string JobId { get; set; } = "";
        public string Family { get; set; } = "";
        public string Dataset { get; set; } = "";
        public string Config { get; set; } = "";
        public long Steps { get; set; }
        public string CreatedAt { get; set; } = "";

        public ModelRecord ToRecord() => new()
        {
            Id = Id, JobId = JobId, Family = Family, Dataset = Dataset,
            Config = JsonSerializer.Deserialize<DcganConfig>(Config)!,
            Steps = (int)Steps, CreatedAt = Time(CreatedAt)!.Value,
        };
    }
}
