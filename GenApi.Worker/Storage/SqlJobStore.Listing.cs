using Dapper;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Storage;

// Newest-first keyset pagination: a cursor is the (CreatedAt, Id) of the last row served, so rows inserted
// meanwhile never shift a page.
public sealed partial class SqlJobStore
{
    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(string team, JobStatus? status, PageCursor? after, int limit, string? sweepId = null, CancellationToken cancellation = default)
    {
        var rows = await Run(connection => connection.QueryAsync<JobRow>(Command($"""
            SELECT {JobColumns} FROM Jobs
            WHERE Team = @team {(status is null ? "" : "AND Status = @status")} {(sweepId is null ? "" : "AND SweepId = @sweepId")} {AfterClause(after)}
            ORDER BY CreatedAt DESC, Id DESC LIMIT @limit
            """, new { team, status = status is null ? "" : Text(status.Value), sweepId, afterTime = AfterTime(after), afterId = after?.Id ?? "", limit }, cancellation)), cancellation);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<ModelRecord>> ListModelsAsync(string team, PageCursor? after, int limit, CancellationToken cancellation = default)
    {
        var rows = await Run(connection => connection.QueryAsync<ModelRow>(Command($"""
            SELECT {ModelColumns} FROM Models
            WHERE Team = @team {AfterClause(after)}
            ORDER BY CreatedAt DESC, Id DESC LIMIT @limit
            """, new { team, afterTime = AfterTime(after), afterId = after?.Id ?? "", limit }, cancellation)), cancellation);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyDictionary<JobStatus, int>> CountJobsByStatusAsync(CancellationToken cancellation = default)
    {
        var rows = await Run(connection => connection.QueryAsync<(string Status, long Count)>(Command(
            "SELECT Status, COUNT(*) FROM Jobs GROUP BY Status", null, cancellation)), cancellation);
        return rows.ToDictionary(r => Enum.Parse<JobStatus>(r.Status, ignoreCase: true), r => (int)r.Count);
    }

    public async Task<int> CountActiveJobsAsync(string team, CancellationToken cancellation = default) =>
        (int)await Run(connection => connection.ExecuteScalarAsync<long>(Command(
            "SELECT COUNT(*) FROM Jobs WHERE Team = @team AND Status IN ('queued', 'running')", new { team }, cancellation)), cancellation);

    private static string AfterClause(PageCursor? after) =>
        after is null ? "" : "AND (CreatedAt < @afterTime OR (CreatedAt = @afterTime AND Id < @afterId))";

    private object AfterTime(PageCursor? after) => _sql.Timestamp(after?.CreatedAt ?? DateTimeOffset.MinValue);

    // A trial of a running sweep stays: the sweep counts its trials to number the next one.
    public async Task<bool> DeleteJobAsync(string id, string team, CancellationToken cancellation = default) =>
        await DeleteJobsAsync("""
            Id = @id AND Team = @team AND Status IN ('succeeded', 'failed', 'canceled', 'pruned')
            AND (SweepId IS NULL OR NOT EXISTS (SELECT 1 FROM Sweeps WHERE Sweeps.Id = Jobs.SweepId AND Sweeps.Status = 'running'))
            """, new { id, team }, cancellation) > 0;

    // Removes the jobs matching a condition on Jobs with everything recorded about them; how many jobs.
    private async Task<int> DeleteJobsAsync(string jobs, object parameters, CancellationToken cancellation) =>
        await Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            foreach (var table in new[] { "JobScores", "JobMetrics", "JobEvents", "WebhookDeliveries" })
                await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM {table} WHERE JobId IN (SELECT Id FROM Jobs WHERE {jobs})", parameters, transaction, cancellationToken: cancellation));
            var deleted = await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM Jobs WHERE {jobs}", parameters, transaction, cancellationToken: cancellation));
            await transaction.CommitAsync(cancellation);
            return deleted;
        }, cancellation);

    public async Task<bool> DeleteModelAsync(string id, string team, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command(
            "DELETE FROM Models WHERE Id = @id AND Team = @team", new { id, team }, cancellation)), cancellation) == 1;

    public async Task<IReadOnlyList<MetricPoint>> ListMetricsAsync(string jobId, CancellationToken cancellation = default)
    {
        var rows = await Run(connection => connection.QueryAsync<MetricRow>(Command(
            "SELECT Step, LossD, LossG, ImagesPerSecond, LearningRate FROM JobMetrics WHERE JobId = @jobId ORDER BY Step",
            new { jobId }, cancellation)), cancellation);
        return rows.Select(r => new MetricPoint((int)r.Step, r.LossD, r.LossG, r.ImagesPerSecond, r.LearningRate)).ToList();
    }

    private sealed class MetricRow
    {
        public long Step { get; set; }
        public double LossD { get; set; }
        public double LossG { get; set; }
        public double ImagesPerSecond { get; set; }
        public double LearningRate { get; set; }
    }
}
