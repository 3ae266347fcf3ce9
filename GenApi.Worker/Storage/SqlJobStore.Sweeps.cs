using System.Text.Json;
using Dapper;
using GenApi.Worker.Contracts;
using GenApi.Worker.Sweeps;

namespace GenApi.Worker.Storage;

// Sweeps, their trials (jobs with a SweepId) and the controller's lease.
public sealed partial class SqlJobStore : ISweepStore
{
    private const string SweepColumns = "Id, Team, Status, Spec, CreatedAt, FinishedAt, Error";

    public async Task CreateSweepAsync(SweepRecord sweep, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command($"""
            INSERT INTO Sweeps (Id, Team, Status, Spec, CreatedAt) VALUES (@Id, @Team, @status, @spec, {_sql.Now})
            """, new { sweep.Id, sweep.Team, status = Text(sweep.Status), spec = sweep.Spec.Serialize() }, cancellation)), cancellation);

    public async Task<SweepRecord?> GetSweepAsync(string id, string? team = null, CancellationToken cancellation = default) =>
        (await Run(connection => connection.QuerySingleOrDefaultAsync<SweepRow>(Command(
            $"SELECT {SweepColumns} FROM Sweeps WHERE Id = @id AND (@team IS NULL OR Team = @team)", new { id, team }, cancellation)), cancellation))?.ToRecord();

    public async Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(string team, PageCursor? after, int limit, CancellationToken cancellation = default) =>
        (await Run(connection => connection.QueryAsync<SweepRow>(Command($"""
            SELECT {SweepColumns} FROM Sweeps WHERE Team = @team {AfterClause(after)}
            ORDER BY CreatedAt DESC, Id DESC LIMIT @limit
            """, new { team, afterTime = AfterTime(after), afterId = after?.Id ?? "", limit }, cancellation)), cancellation)).Select(r => r.ToRecord()).ToList();

    public async Task<IReadOnlyList<SweepRecord>> ListActiveSweepsAsync(CancellationToken cancellation = default) =>
        (await Run(connection => connection.QueryAsync<SweepRow>(Command($"""
            SELECT {SweepColumns} FROM Sweeps
            WHERE Status = 'running' OR (Status = 'canceled' AND EXISTS (
                SELECT 1 FROM Jobs WHERE Jobs.SweepId = Sweeps.Id AND Jobs.Status IN ('queued', 'running') AND Jobs.CancelRequested = 0))
            ORDER BY CreatedAt
            """, null, cancellation)), cancellation)).Select(r => r.ToRecord()).ToList();

    public async Task<bool> CreateTrialAsync(SweepRecord sweep, TrialInfo trial, string jobId, JobSpec spec, WebhookSubscription? webhook = null, CancellationToken cancellation = default) =>
        await Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            var created = await connection.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO Jobs (Id, Team, Status, Spec, Webhook, CreatedAt, SweepId, Trial, TrialParameters)
                SELECT @jobId, @team, 'queued', @spec, @webhook, {_sql.Now}, @sweepId, @number, @parameters
                WHERE EXISTS (SELECT 1 FROM Sweeps WHERE Id = @sweepId AND Status = 'running')
                ON CONFLICT DO NOTHING
                """, new
                {
                    jobId, team = sweep.Team, spec = JsonSerializer.Serialize(spec), sweepId = sweep.Id, number = trial.Number,
                    parameters = JsonSerializer.Serialize(trial.Parameters), webhook = webhook is null ? null : JsonSerializer.Serialize(webhook),
                }, transaction, cancellationToken: cancellation));
            if (created == 1)
                await connection.ExecuteAsync(new CommandDefinition($"""
                    INSERT INTO JobEvents (JobId, At, Kind, Message) VALUES (@jobId, {_sql.Now}, 'queued', @message)
                    """, new { jobId, message = $"queued as trial {trial.Number} of sweep {sweep.Id}" }, transaction, cancellationToken: cancellation));
            await transaction.CommitAsync(cancellation);
            return created == 1;
        }, cancellation);

    public async Task<IReadOnlyList<JobRecord>> ListTrialsAsync(string sweepId, CancellationToken cancellation = default) =>
        (await Run(connection => connection.QueryAsync<JobRow>(Command(
            $"SELECT {JobColumns} FROM Jobs WHERE SweepId = @sweepId ORDER BY Trial", new { sweepId }, cancellation)), cancellation)).Select(r => r.ToRecord()).ToList();

    public async Task<bool> FinishSweepAsync(string id, SweepStatus status, string? error, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command($"""
            UPDATE Sweeps SET Status = @status, Error = @error, FinishedAt = {_sql.Now} WHERE Id = @id AND Status = 'running'
            """, new { id, status = Text(status), error }, cancellation)), cancellation) == 1;

    public async Task<bool> DeleteSweepAsync(string id, string team, CancellationToken cancellation = default)
    {
        var finished = "Status IN ('succeeded', 'failed', 'canceled')";
        var unfinishedTrials = await Run(connection => connection.ExecuteScalarAsync<long>(Command(
            "SELECT COUNT(*) FROM Jobs WHERE SweepId = @id AND Status IN ('queued', 'running')", new { id }, cancellation)), cancellation);
        if (unfinishedTrials > 0) return false;
        await DeleteJobsAsync($"SweepId = @id AND EXISTS (SELECT 1 FROM Sweeps WHERE Sweeps.Id = @id AND Sweeps.Team = @team AND Sweeps.{finished})",
            new { id, team }, cancellation);
        return await Run(connection => connection.ExecuteAsync(Command(
            $"DELETE FROM Sweeps WHERE Id = @id AND Team = @team AND {finished}", new { id, team }, cancellation)), cancellation) == 1;
    }

    public async Task<bool> TryTakeLeaseAsync(string name, string owner, TimeSpan duration, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command($"""
            INSERT INTO Leases (Name, Owner, ExpiresAt) VALUES (@name, @owner, {_sql.NowPlusSeconds})
            ON CONFLICT (Name) DO UPDATE SET Owner = @owner, ExpiresAt = {_sql.NowPlusSeconds}
            WHERE Leases.Owner = @owner OR Leases.ExpiresAt < {_sql.Now}
            """, new { name, owner, seconds = duration.TotalSeconds }, cancellation)), cancellation) == 1;

    private static string Text(SweepStatus status) => status.ToString().ToLowerInvariant();

    private sealed class SweepRow
    {
        public string Id { get; set; } = "";
        public string Team { get; set; } = "";
        public string Status { get; set; } = "";
        public string Spec { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public string? Error { get; set; }

        public SweepRecord ToRecord() => new()
        {
            Id = Id, Team = Team, Status = Enum.Parse<SweepStatus>(Status, ignoreCase: true), Spec = SweepSpec.Deserialize(Spec),
            CreatedAt = CreatedAt, FinishedAt = FinishedAt, Error = Error,
        };
    }
}
