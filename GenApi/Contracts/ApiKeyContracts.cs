using System.ComponentModel.DataAnnotations;

namespace GenApi.Contracts;

/// <summary>A key to create.</summary>
/// <param name="Team" example="vision-team">The team it acts for: letters, digits, '-' and '_', up to 64. Teams see only their own jobs and models.</param>
/// <param name="Admin">Whether it may create and revoke keys and open the Hangfire dashboard.</param>
/// <param name="ExpiresAt">When the key stops working; never when absent.</param>
public sealed record CreateApiKeyRequest([property: Required] string Team, bool Admin = false, DateTimeOffset? ExpiresAt = null);

/// <summary>A created key. The key itself is shown this once; only its hash is stored.</summary>
/// <param name="Id">Key id, for audit and revocation.</param>
/// <param name="Team">Its team.</param>
/// <param name="Admin">Whether it is an admin key.</param>
/// <param name="Key">Send as <c>Authorization: Bearer {key}</c>.</param>
/// <param name="ExpiresAt">When it stops working; null for never.</param>
public sealed record ApiKeyResponse(string Id, string Team, bool Admin, string Key, DateTimeOffset? ExpiresAt);
