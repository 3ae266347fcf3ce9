using System.Security.Cryptography;
using System.Text;
using GenApi.Worker.Jobs;

namespace GenApi.Auth;

/// <summary>Creates API keys (shown once, stored as SHA-256 hashes) and resolves presented keys to their team.</summary>
public sealed class ApiKeys(IAccessStore store)
{
    public const string Prefix = "gk_";

    public async Task<(string Id, string Key)> CreateAsync(string team, bool admin, CancellationToken cancellation = default)
    {
        var key = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var id = $"key_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        await store.CreateApiKeyAsync(id, team, Hash(key), admin, cancellation);
        return (id, key);
    }

    public Task<ApiKeyRecord?> FindAsync(string key, CancellationToken cancellation = default) => store.FindApiKeyAsync(Hash(key), cancellation);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool IsValidTeam(string team) => team.Length is >= 1 and <= 64 && team.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
