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
/// Because the browser resends that password to any request, another site could forge a form POST: the gate refuses
/// writes that come from another origin, Hangfire checks the antiforgery token on every POST, the pages cannot be
/// framed, and the dashboard is read-only unless <see cref="DashboardSettings.AllowWrites"/> is set.
/// </summary>
public sealed class DashboardAuthorization(ApiKeys keys, IOptions<AuthOptions> auth) : IDashboardAsyncAuthorizationFilter
{
    public const string PathPrefix = "/hangfire";

    // Hangfire asks this after the gate below has let the request through.
    public Task<bool> AuthorizeAsync(DashboardContext context) => IsAdminAsync(context.GetHttpContext());

    /// <summary>Answers 401 with a Basic challenge before Hangfire sees a request without an admin key.</summary>
    public async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(PathPrefix))
        {
            await next(context);
            return;
        }
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        if (IsCrossSiteWrite(context.Request))
        {
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "The dashboard takes no writes from another site.", "forbidden",
                "A dashboard POST must come from the dashboard's own pages (same Origin, Sec-Fetch-Site not cross-site).");
            return;
        }
        if (await IsAdminAsync(context))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"GenApi dashboard\", charset=\"UTF-8\"";
        await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "The dashboard needs an admin key.", "unauthorized",
            "Send the admin key as 'Authorization: Bearer KEY', or as the password of the browser's login prompt.");
    }

    // Browsers send Origin and Sec-Fetch-Site with every POST; scripts that send neither are judged by their key alone.
    private static bool IsCrossSiteWrite(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) return false;
        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase)) return true;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        return !Uri.TryCreate(origin, UriKind.Absolute, out var from)
            || !string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
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
