using System.Security.Cryptography;
using System.Text;
using GenApi.Worker.Jobs;
using Microsoft.Extensions.Caching.Memory;

namespace GenApi.Auth;

/// <summary>Creates API keys (shown once, stored as SHA-256 hashes) and resolves presented keys to their team.</summary>
public sealed class ApiKeys(IAccessStore store, IMemoryCache cache)
{
    public const string Prefix = "gk_";

    // Every authenticated request resolves its key; keys cannot be revoked (yet), so a short cache is safe and
    // saves a store query per request. Unknown keys are not cached, so a new key works at once.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(60);

    public async Task<(string Id, string Key)> CreateAsync(string team, bool admin, CancellationToken cancellation = default)
    {
        var key = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var id = $"key_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        await store.CreateApiKeyAsync(id, team, Hash(key), admin, cancellation);
        return (id, key);
    }

    public async Task<ApiKeyRecord?> FindAsync(string key, CancellationToken cancellation = default)
    {
        var hash = Hash(key);
        if (cache.TryGetValue<ApiKeyRecord>(hash, out var known)) return known;
        var found = await store.FindApiKeyAsync(hash, cancellation);
        if (found is not null) cache.Set(hash, found, CacheFor);
        return found;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool IsValidTeam(string team) => team.Length is >= 1 and <= 64 && team.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
