using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using GenApi.Endpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GenApi.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the stored key hashes. With authentication
/// off (embedded single-user mode) every request is the default team "".
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeys keys, IOptions<AuthOptions> auth, AuthMode mode)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TeamClaim = "genapi:team";
    public const string AdminRole = "admin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (key is not null && auth.Value.AdminKey is { Length: > 0 } adminKey && FixedTimeEquals(key, adminKey))
            return Success("", admin: true, "admin");
        // Auth off: everyone is the one team "", but not an admin, or keys minted anonymously would outlive the mode.
        if (!mode.Enabled) return Success("", admin: false, "anonymous");
        if (key is null) return AuthenticateResult.NoResult();
        return await keys.FindAsync(key, Context.RequestAborted) is { } found
            ? Success(found.Team, found.Admin, found.Id)
            : AuthenticateResult.Fail("unknown API key");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "An API key is required.", "unauthorized",
            "Send 'Authorization: Bearer <key>' with a key created by an admin (POST /v1/admin/keys).");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // With auth off nobody is an admin without the bootstrap key: ask for it (401) rather than refuse the anonymous caller.
        if (!mode.Enabled && Context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value == "anonymous")
        {
            await HandleChallengeAsync(properties);
            return;
        }
        await Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "This needs an admin key.", "forbidden");
    }

    private AuthenticateResult Success(string team, bool admin, string keyId)
    {
        var claims = new List<Claim> { new(TeamClaim, team), new(ClaimTypes.NameIdentifier, keyId) };
        if (admin) claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}

/// <summary>Whether authentication is on, resolved once from <see cref="AuthOptions"/> and the storage provider.</summary>
public sealed record AuthMode(bool Enabled);

public static class TeamExtensions
{
    /// <summary>The caller's team ("" with authentication off).</summary>
    public static string Team(this ClaimsPrincipal user) => user.FindFirst(ApiKeyAuthenticationHandler.TeamClaim)?.Value ?? "";

    /// <summary>A stable partition for per-caller limits: the key id.</summary>
    public static string KeyId(this ClaimsPrincipal user) => user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "anonymous";
}
