using Dapper;
using GenApi.Worker.Jobs;

namespace GenApi.Worker.Storage;

// Newest-first keyset pagination: a cursor is the (CreatedAt, Id) of the last row served, so rows inserted
// meanwhile never shift a page.
public sealed partial class SqlJobStore
{
    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(string team, JobStatus? status, PageCursor? after, int limit, CancellationToken cancellation = default)
    {
        var rows = await Run(connection => connection.QueryAsync<JobRow>(Command($"""
            SELECT {JobColumns} FROM Jobs
            WHERE Team = @team {(status is null ? "" : "AND Status = @status")} {AfterClause(after)}
            ORDER BY CreatedAt DESC, Id DESC LIMIT @limit
            """, new { team, status = status is null ? "" : Text(status.Value), afterTime = AfterTime(after), afterId = after?.Id ?? "", limit }, cancellation)), cancellation);
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

    public async Task<bool> DeleteJobAsync(string id, string team, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command("""
            DELETE FROM JobScores WHERE JobId = @id AND EXISTS (SELECT 1 FROM Jobs WHERE Id = @id AND Team = @team AND Status IN ('succeeded', 'failed', 'canceled'));
            DELETE FROM JobMetrics WHERE JobId = @id AND EXISTS (SELECT 1 FROM Jobs WHERE Id = @id AND Team = @team AND Status IN ('succeeded', 'failed', 'canceled'));
            DELETE FROM JobEvents WHERE JobId = @id AND EXISTS (SELECT 1 FROM Jobs WHERE Id = @id AND Team = @team AND Status IN ('succeeded', 'failed', 'canceled'));
            DELETE FROM WebhookDeliveries WHERE JobId = @id AND EXISTS (SELECT 1 FROM Jobs WHERE Id = @id AND Team = @team AND Status IN ('succeeded', 'failed', 'canceled'));
            DELETE FROM Jobs WHERE Id = @id AND Team = @team AND Status IN ('succeeded', 'failed', 'canceled');
            """, new { id, team }, cancellation)), cancellation) > 0;

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
