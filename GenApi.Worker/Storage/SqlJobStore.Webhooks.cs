using System.Data.Common;
using System.Text.Json;
using Dapper;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Storage;

// The webhook outbox: a delivery row is written in the same transaction as the event it announces, so no event
// is lost between the store and the network; a dispatcher claims due rows under a short lock.
public sealed partial class SqlJobStore : IWebhookOutbox
{
    private async Task EnqueueWebhookAsync(DbConnection connection, DbTransaction transaction, string jobId, long eventId, string kind, CancellationToken cancellation)
    {
        var webhook = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT Webhook FROM Jobs WHERE Id = @jobId", new { jobId }, transaction, cancellationToken: cancellation));
        if (webhook is null || JsonSerializer.Deserialize<WebhookSubscription>(webhook) is not { } subscription || !subscription.Wants(kind)) return;
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO WebhookDeliveries (JobId, EventId, Url, Payload, NextAttemptAt) VALUES (@jobId, @eventId, @url, @kind, {_sql.Now})
            """, new { jobId, eventId, url = subscription.Url, kind }, transaction, cancellationToken: cancellation));
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimDueDeliveriesAsync(TimeSpan lockFor, int limit, CancellationToken cancellation = default)
    {
        return await Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            var due = (await connection.QueryAsync<DeliveryRow>(new CommandDefinition($"""
                SELECT d.Id, d.JobId, d.EventId, d.Url, d.Payload AS Kind, d.Attempts, e.Message, e.At
                FROM WebhookDeliveries d JOIN JobEvents e ON e.Id = d.EventId
                WHERE d.DeliveredAt IS NULL AND d.NextAttemptAt <= {_sql.Now} AND (d.LockedUntil IS NULL OR d.LockedUntil < {_sql.Now})
                ORDER BY d.Id LIMIT @limit
                """, new { limit }, transaction, cancellationToken: cancellation))).AsList();
            var claimed = new List<WebhookDelivery>();
            foreach (var row in due)
            {
                // Another dispatcher may have claimed it between the read and here.
                var locked = await connection.ExecuteAsync(new CommandDefinition($"""
                    UPDATE WebhookDeliveries SET LockedUntil = {_sql.NowPlusSeconds}
                    WHERE Id = @Id AND DeliveredAt IS NULL AND (LockedUntil IS NULL OR LockedUntil < {_sql.Now})
                    """, new { row.Id, seconds = lockFor.TotalSeconds }, transaction, cancellationToken: cancellation));
                if (locked == 1) claimed.Add(new WebhookDelivery(row.Id, row.JobId, row.EventId, row.Url, row.Kind, row.Message, row.At, (int)row.Attempts));
            }
            await transaction.CommitAsync(cancellation);
            return claimed;
        }, cancellation);
    }

    public async Task RecordDeliveryAsync(long id, string? error, TimeSpan? retryIn, CancellationToken cancellation = default) =>
        // Settled (delivered, or given up) rows leave the queue; error says which. Otherwise it waits retryIn.
        await Run(connection => connection.ExecuteAsync(Command($"""
            UPDATE WebhookDeliveries SET Attempts = Attempts + 1, LockedUntil = NULL, LastError = @error,
                DeliveredAt = CASE WHEN @retry = 0 THEN {_sql.Now} ELSE NULL END,
                NextAttemptAt = CASE WHEN @retry = 1 THEN {_sql.NowPlusSeconds} ELSE NextAttemptAt END
            WHERE Id = @id
            """, new { id, error, retry = retryIn is null ? 0 : 1, seconds = retryIn?.TotalSeconds ?? 0 }, cancellation)), cancellation);

    private sealed class DeliveryRow
    {
        public long Id { get; set; }
        public string JobId { get; set; } = "";
        public long EventId { get; set; }
        public string Url { get; set; } = "";
        public string Kind { get; set; } = "";
        public long Attempts { get; set; }
        public string Message { get; set; } = "";
        public DateTimeOffset At { get; set; }
    }
}
