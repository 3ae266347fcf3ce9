using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace GenApi.Auth;

/// <summary>The Hangfire dashboard: open from localhost; from elsewhere only with an admin key, whatever the auth mode.</summary>
public sealed class DashboardAuthorization(ApiKeys keys, IOptions<AuthOptions> auth) : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (http.Connection.RemoteIpAddress is not { } remote || System.Net.IPAddress.IsLoopback(remote)) return true;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        var key = header["Bearer ".Length..].Trim();
        if (auth.Value.AdminKey is { Length: > 0 } adminKey
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(ApiKeys.Hash(key)), Encoding.UTF8.GetBytes(ApiKeys.Hash(adminKey))))
            return true;
        return (await keys.FindAsync(key, http.RequestAborted))?.Admin == true;
    }
}
