using Dapper;
using GenApi.Worker.Jobs;

namespace GenApi.Worker.Storage;

// API keys (stored as hashes) and idempotency records for POST retries.
public sealed partial class SqlJobStore : IAccessStore
{
    public async Task CreateApiKeyAsync(string id, string team, string hash, bool admin, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command(
            $"INSERT INTO ApiKeys (Id, Team, Hash, Admin, CreatedAt) VALUES (@id, @team, @hash, @admin, {_sql.Now})",
            new { id, team, hash, admin = admin ? 1 : 0 }, cancellation)), cancellation);

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken cancellation = default)
    {
        var row = await Run(connection => connection.QuerySingleOrDefaultAsync<KeyRow>(Command(
            "SELECT Id, Team, Admin FROM ApiKeys WHERE Hash = @hash", new { hash }, cancellation)), cancellation);
        return row is null ? null : new ApiKeyRecord(row.Id, row.Team, row.Admin != 0);
    }

    public async Task<IdempotentResponse?> FindIdempotentAsync(string team, string key, CancellationToken cancellation = default) =>
        await Run(connection => connection.QuerySingleOrDefaultAsync<IdempotentResponse>(Command(
            "SELECT RequestHash, Status, Location, Body FROM IdempotencyKeys WHERE Team = @team AND Key = @key",
            new { team, key }, cancellation)), cancellation);

    public async Task<bool> SaveIdempotentAsync(string team, string key, IdempotentResponse response, CancellationToken cancellation = default) =>
        await Run(connection => connection.ExecuteAsync(Command($"""
            INSERT INTO IdempotencyKeys (Team, Key, RequestHash, Status, Location, Body, CreatedAt)
            VALUES (@team, @key, @RequestHash, @Status, @Location, @Body, {_sql.Now})
            ON CONFLICT (Team, Key) DO NOTHING
            """, new { team, key, response.RequestHash, response.Status, response.Location, response.Body }, cancellation)), cancellation) == 1;

    private sealed class KeyRow
    {
        public string Id { get; set; } = "";
        public string Team { get; set; } = "";
        public long Admin { get; set; }
    }
}
