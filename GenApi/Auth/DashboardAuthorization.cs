using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using GenApi.Endpoints;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace GenApi.Auth;

/// <summary>
/// The Hangfire dashboard opens only with an admin key, from any host: loopback is no proof of trust behind a
/// reverse proxy on the same machine. Browsers log in once through the Basic prompt (any user name, the admin key
/// as password) and resend it with every request; scripts send <c>Authorization: Bearer</c>.
/// </summary>
public sealed class DashboardAuthorization(ApiKeys keys, IOptions<AuthOptions> auth) : IDashboardAsyncAuthorizationFilter
{
    public const string PathPrefix = "/hangfire";

    // Hangfire asks this after the gate below has let the request through.
    public Task<bool> AuthorizeAsync(DashboardContext context) => IsAdminAsync(context.GetHttpContext());

    /// <summary>Answers 401 with a Basic challenge before Hangfire sees a request without an admin key.</summary>
    public async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(PathPrefix) || await IsAdminAsync(context))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"GenApi dashboard\", charset=\"UTF-8\"";
        await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "The dashboard needs an admin key.", "unauthorized",
            "Send the admin key as 'Authorization: Bearer KEY', or as the password of the browser's login prompt.");
    }

    private async Task<bool> IsAdminAsync(HttpContext http)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header) || header.Parameter is null) return false;
        var key = header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) ? BasicPassword(header.Parameter)
            : header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? header.Parameter.Trim() : null;
        if (string.IsNullOrEmpty(key)) return false;
        if (auth.Value.AdminKey is { Length: > 0 } adminKey
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(ApiKeys.Hash(key)), Encoding.UTF8.GetBytes(ApiKeys.Hash(adminKey))))
            return true;
        return (await keys.FindAsync(key, http.RequestAborted))?.Admin == true;
    }

    private static string? BasicPassword(string parameter)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            return decoded.IndexOf(':') is var colon and >= 0 ? decoded[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
