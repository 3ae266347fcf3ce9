using System.Security.Cryptography;
using System.Text;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.Caching.Memory;

namespace GenApi.Auth;

/// <summary>Creates API keys (shown once, stored as SHA-256 hashes) and resolves presented keys to their team.</summary>
public sealed class ApiKeys(IAccessStore store, IMemoryCache cache)
{
    public const string Prefix = "gk_";

    // Every authenticated request resolves its key; a short cache saves a store query per request. Revoking evicts
    // the key here at once (other API replicas within this time), unknown keys are not cached (a new key works at
    // once), and an expiry is checked on every hit.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(60);

    public async Task<(string Id, string Key)> CreateAsync(string team, bool admin, DateTimeOffset? expiresAt = null, CancellationToken cancellation = default)
    {
        var key = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var id = $"key_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        await store.CreateApiKeyAsync(id, team, Hash(key), admin, expiresAt, cancellation);
        return (id, key);
    }

    /// <summary>Deletes a key and forgets it; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellation = default)
    {
        if (await store.RevokeApiKeyAsync(id, cancellation) is not { } hash) return false;
        cache.Remove(hash);
        return true;
    }

    public async Task<ApiKeyRecord?> FindAsync(string key, CancellationToken cancellation = default)
    {
        var hash = Hash(key);
        if (cache.TryGetValue<ApiKeyRecord>(hash, out var known)) return known!.ExpiresAt is { } end && end <= DateTimeOffset.UtcNow ? null : known;
        var found = await store.FindApiKeyAsync(hash, cancellation);
        if (found is not null) cache.Set(hash, found, CacheFor);
        return found;
    }

    /// <summary>The key as the store has it now (null: revoked, expired or unknown), past this replica's cache.</summary>
    public Task<ApiKeyRecord?> FindUncachedAsync(string key, CancellationToken cancellation = default) =>
        store.FindApiKeyAsync(Hash(key), cancellation);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool IsValidTeam(string team) => team.Length is >= 1 and <= 64 && team.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
