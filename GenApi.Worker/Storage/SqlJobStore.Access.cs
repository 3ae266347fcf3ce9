using Dapper;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Storage;

// API keys (stored as hashes) and idempotency records for POST retries.
public sealed partial class SqlJobStore : IAccessStore
{
    public async Task CreateApiKeyAsync(string id, string team, string hash, bool admin, DateTimeOffset? expiresAt = null, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command(
            $"INSERT INTO ApiKeys (Id, Team, Hash, Admin, CreatedAt, ExpiresAt) VALUES (@id, @team, @hash, @admin, {_sql.Now}, @expiresAt)",
            new { id, team, hash, admin = admin ? 1 : 0, expiresAt = expiresAt is { } at ? _sql.Timestamp(at) : null }, cancellation)), cancellation);

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken cancellation = default)
    {
        var row = await Run(connection => connection.QuerySingleOrDefaultAsync<KeyRow>(Command(
            $"SELECT Id, Team, Admin, ExpiresAt FROM ApiKeys WHERE Hash = @hash AND (ExpiresAt IS NULL OR ExpiresAt > {_sql.Now})", new { hash }, cancellation)), cancellation);
        return row is null ? null : new ApiKeyRecord(row.Id, row.Team, row.Admin != 0, row.ExpiresAt);
    }

    public async Task<string?> RevokeApiKeyAsync(string id, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteScalarAsync<string?>(Command(
            "DELETE FROM ApiKeys WHERE Id = @id RETURNING Hash", new { id }, cancellation)), cancellation);

    public async Task<IdempotentResponse?> ReserveIdempotencyKeyAsync(string team, string key, string requestHash, TimeSpan retention, CancellationToken cancellation = default) =>
        await Run(async connection =>
        {
            await connection.ExecuteAsync(Command($"DELETE FROM IdempotencyKeys WHERE ExpiresAt < {_sql.Now}", null, cancellation));
            // Concurrent first requests race on the primary key: exactly one INSERT wins.
            var reserved = await connection.ExecuteAsync(Command($"""
                INSERT INTO IdempotencyKeys (Team, Key, RequestHash, Pending, Status, Body, CreatedAt, ExpiresAt)
                VALUES (@team, @key, @requestHash, 1, 0, '', {_sql.Now}, {_sql.NowPlusSeconds})
                ON CONFLICT (Team, Key) DO NOTHING
                """, new { team, key, requestHash, seconds = retention.TotalSeconds }, cancellation));
            if (reserved == 1) return null;
            return await connection.QuerySingleOrDefaultAsync<IdempotentResponse>(Command(
                "SELECT RequestHash, (Pending <> 0) AS Pending, Status, Location, ContentType, Body FROM IdempotencyKeys WHERE Team = @team AND Key = @key",
                new { team, key }, cancellation));
        }, cancellation);

    public async Task CompleteIdempotencyKeyAsync(string team, string key, IdempotentResponse response, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command(
            "UPDATE IdempotencyKeys SET Pending = 0, Status = @Status, Location = @Location, ContentType = @ContentType, Body = @Body WHERE Team = @team AND Key = @key",
            new { team, key, response.Status, response.Location, response.ContentType, response.Body }, cancellation)), cancellation);

    public async Task ReleaseIdempotencyKeyAsync(string team, string key, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command(
            "DELETE FROM IdempotencyKeys WHERE Team = @team AND Key = @key AND Pending = 1", new { team, key }, cancellation)), cancellation);

    public async Task<string> GetOrCreateWebhookSecretAsync(string team, string candidate, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteScalarAsync<string>(Command($"""
            INSERT INTO WebhookSecrets (Team, Secret, CreatedAt) VALUES (@team, @candidate, {_sql.Now}) ON CONFLICT (Team) DO NOTHING;
            SELECT Secret FROM WebhookSecrets WHERE Team = @team;
            """, new { team, candidate }, cancellation)), cancellation) ?? candidate;

    public async Task SetWebhookSecretAsync(string team, string secret, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command($"""
            INSERT INTO WebhookSecrets (Team, Secret, CreatedAt) VALUES (@team, @secret, {_sql.Now})
            ON CONFLICT (Team) DO UPDATE SET Secret = @secret, CreatedAt = {_sql.Now}
            """, new { team, secret }, cancellation)), cancellation);

    private sealed class KeyRow
    {
        public string Id { get; set; } = "";
        public string Team { get; set; } = "";
        public long Admin { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
    }
}
