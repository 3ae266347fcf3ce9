namespace GenApi.Worker.Contracts;

/// <summary>An API key as stored: its hash only, never the key.</summary>
public sealed record ApiKeyRecord(string Id, string Team, bool Admin, DateTimeOffset? ExpiresAt = null);

/// <summary>The response first given to a POST with an Idempotency-Key, replayed for retries; <see cref="Pending"/> while the first request still runs.</summary>
public sealed class IdempotentResponse
{
    public string RequestHash { get; set; } = "";
    public bool Pending { get; set; }
    public int Status { get; set; }
    public string? Location { get; set; }
    public string? ContentType { get; set; }
    /// <summary>The body's bytes as base64 (images replay byte for byte).</summary>
    public string Body { get; set; } = "";
}

/// <summary>API keys and idempotency records.</summary>
public interface IAccessStore
{
    Task CreateApiKeyAsync(string id, string team, string hash, bool admin, DateTimeOffset? expiresAt = null, CancellationToken cancellation = default);
    /// <summary>The key with this hash, unless it has expired.</summary>
    Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken cancellation = default);
    /// <summary>Deletes a key; its hash (to evict from caches), or null when there is no such key.</summary>
    Task<string?> RevokeApiKeyAsync(string id, CancellationToken cancellation = default);
    /// <summary>
    /// Reserves the key for this request atomically (expired records are dropped first): null when it is now this
    /// request's, otherwise the record that holds it (pending, or finished).
    /// </summary>
    Task<IdempotentResponse?> ReserveIdempotencyKeyAsync(string team, string key, string requestHash, TimeSpan retention, CancellationToken cancellation = default);
    /// <summary>Stores the final response of a reserved key.</summary>
    Task CompleteIdempotencyKeyAsync(string team, string key, IdempotentResponse response, CancellationToken cancellation = default);
    /// <summary>Gives a reserved key back (the request failed in a way worth retrying).</summary>
    Task ReleaseIdempotencyKeyAsync(string team, string key, CancellationToken cancellation = default);

    /// <summary>The team's webhook signing secret; <paramref name="candidate"/> becomes it when the team has none yet.</summary>
    Task<string> GetOrCreateWebhookSecretAsync(string team, string candidate, CancellationToken cancellation = default);
    /// <summary>Replaces the team's webhook signing secret.</summary>
    Task SetWebhookSecretAsync(string team, string secret, CancellationToken cancellation = default);
}
