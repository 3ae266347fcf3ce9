using GenApi.Auth;
using Microsoft.Extensions.Options;

namespace GenApi.Events;

/// <summary>
/// The time an event stream may stay open: until the caller leaves, <see cref="EventStreamOptions.StreamLifetime"/>
/// passes, or its key is revoked or expires. The key is re-read from the store (not the key cache, which other
/// replicas hold for a minute) every <see cref="EventStreamOptions.KeyRecheckInterval"/>.
/// </summary>
public sealed class StreamLease(ApiKeys keys, IOptions<EventStreamOptions> options, ILogger<StreamLease> logger)
{
    /// <summary>A token that ends the caller's stream; dispose it when the stream ends.</summary>
    public CancellationTokenSource Open(HttpContext http)
    {
        var o = options.Value;
        var lease = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        lease.CancelAfter(o.StreamLifetime);
        // The bootstrap admin key and the anonymous caller (auth off) are not stored keys: nothing to revoke.
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && http.User.KeyId().StartsWith("key_", StringComparison.Ordinal))
            _ = WatchAsync(header["Bearer ".Length..].Trim(), o.KeyRecheckInterval, lease);
        return lease;
    }

    private async Task WatchAsync(string key, TimeSpan interval, CancellationTokenSource lease)
    {
        var token = lease.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(interval, token);
                try
                {
                    if (await keys.FindUncachedAsync(key, token) is not null) continue;
                }
                catch (System.Data.Common.DbException error)
                {
                    logger.LogWarning("Could not re-check a stream's key ({Error}); the stream stays open until the next check", error.Message);
                    continue;
                }
                await lease.CancelAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The stream ended (and disposed its lease) while a check was under way.
        }
    }
}
