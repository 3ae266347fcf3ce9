using System.Security.Cryptography;
using System.Text;

namespace GenApi.Webhooks;

/// <summary>
/// Standard Webhooks signing with per-team secrets in the <c>whsec_</c> + base64 format, so receivers can verify
/// with the official Standard Webhooks libraries: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))
/// where the key is the base64-decoded part after <c>whsec_</c>.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    /// <summary>What a receiver does: recompute and compare in constant time (and reject old timestamps).</summary>
    public static bool Verify(string secret, string id, long timestamp, string body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Sign(secret, id, timestamp, body)), Encoding.UTF8.GetBytes(signature));

    private static byte[] Key(string secret) => Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
}
