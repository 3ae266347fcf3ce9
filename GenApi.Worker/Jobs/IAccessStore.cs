namespace GenApi.Worker.Jobs;

/// <summary>An API key as stored: its hash only, never the key.</summary>
public sealed record ApiKeyRecord(string Id, string Team, bool Admin);

/// <summary>The response first given to a POST with an Idempotency-Key, replayed for retries.</summary>
public sealed class IdempotentResponse
{
    public string RequestHash { get; set; } = "";
    public int Status { get; set; }
    public string? Location { get; set; }
    public string Body { get; set; } = "";
}

/// <summary>API keys and idempotency records.</summary>
public interface IAccessStore
{
    Task CreateApiKeyAsync(string id, string team, string hash, bool admin, CancellationToken cancellation = default);
    Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken cancellation = default);
    Task<IdempotentResponse?> FindIdempotentAsync(string team, string key, CancellationToken cancellation = default);
    /// <summary>Stores the first response for a key; false when another request stored one first.</summary>
    Task<bool> SaveIdempotentAsync(string team, string key, IdempotentResponse response, CancellationToken cancellation = default);
}
