using System.Security.Cryptography;
using System.Text;

namespace GenApi.Webhooks;

/// <summary>Standard Webhooks signing: <c>v1,</c> + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")).</summary>
public static class WebhookSignature
{
    public static string Sign(string secret, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    /// <summary>What a receiver does: recompute and compare in constant time (and reject old timestamps).</summary>
    public static bool Verify(string secret, string id, long timestamp, string body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Sign(secret, id, timestamp, body)), Encoding.UTF8.GetBytes(signature));
}
