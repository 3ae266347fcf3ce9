using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using GenApi.Auth;
using GenApi.Endpoints;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.Options;

namespace GenApi.Calling;

/// <summary>Idempotency records. Bound from the <c>Idempotency</c> configuration section.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a key's stored response is replayed; after that the key may be used afresh.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Marks an endpoint whose response carries a secret: it is never stored for replay.</summary>
public sealed class CarriesSecret;

/// <summary>
/// <c>Idempotency-Key</c> on POST. The key is reserved atomically before the request runs, so of concurrent
/// identical requests exactly one runs and the others get 409 with <c>Retry-After</c>; the final response is
/// stored per team and key (its bytes, so images replay exactly) and a retry with the same body gets it back,
/// the same key with another body gets 422. 429s and 5xxs are not stored (a retry runs again), nor are responses
/// that carry secrets.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IOptions<IdempotencyOptions> options)
{
    public const string Header = "Idempotency-Key";

    public async Task InvokeAsync(HttpContext context, IAccessStore store)
    {
        var key = context.Request.Headers[Header].ToString();
        // Only the API's own named operations: an unknown route, or routing's stand-ins for a wrong method (405) or
        // content type (415), is answered further out by the status-code pages, with nothing here worth storing.
        if (!HttpMethods.IsPost(context.Request.Method) || key.Length == 0
            || context.GetEndpoint()?.Metadata is not { } metadata || metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>() is null
            || metadata.GetMetadata<CarriesSecret>() is not null)
        {
            await next(context);
            return;
        }
        if (key.Length > 255)
        {
            await Problems.WriteInvalidAsync(context, "Idempotency-Key is too long.", Header, "Use at most 255 characters.");
            return;
        }

        var requestHash = await HashRequestAsync(context);
        var team = context.User.Team();
        if (await store.ReserveIdempotencyKeyAsync(team, key, requestHash, options.Value.Retention, context.RequestAborted) is { } earlier)
        {
            await AnswerFromEarlierAsync(context, key, requestHash, earlier);
            return;
        }

        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        var completed = false;
        try
        {
            await next(context);
            var status = context.Response.StatusCode;
            if (status < 500 && status != StatusCodes.Status429TooManyRequests)
            {
                await store.CompleteIdempotencyKeyAsync(team, key, new IdempotentResponse
                {
                    RequestHash = requestHash, Status = status,
                    Location = context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
                    ContentType = context.Response.ContentType, Body = Convert.ToBase64String(captured.ToArray()),
                }, CancellationToken.None);
                completed = true;
            }
        }
        finally
        {
            context.Response.Body = original;
            // Failed in a way worth retrying: the key is free again.
            if (!completed) await store.ReleaseIdempotencyKeyAsync(team, key, CancellationToken.None);
        }
        captured.Position = 0;
        await captured.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task AnswerFromEarlierAsync(HttpContext context, string key, string requestHash, IdempotentResponse earlier)
    {
        if (earlier.RequestHash != requestHash)
        {
            await Problems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused with a different request.",
                "idempotency-key-reused", $"Key '{key}' was first used with another request; use a new key for a new request.");
            return;
        }
        if (earlier.Pending)
        {
            context.Response.Headers.RetryAfter = "1";
            await Problems.WriteAsync(context, StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still running.",
                "idempotency-key-in-use", $"Retry after a second to get the first request's response.");
            return;
        }
        context.Response.StatusCode = earlier.Status;
        context.Response.Headers["Idempotent-Replayed"] = "true";
        if (earlier.Location is not null) context.Response.Headers.Location = earlier.Location;
        if (earlier.ContentType is not null) context.Response.ContentType = earlier.ContentType;
        await context.Response.Body.WriteAsync(Convert.FromBase64String(earlier.Body), context.RequestAborted);
    }

    // Hashed while streaming: a 100 MB upload is not held in memory twice (EnableBuffering spills to disk).
    private static async Task<string> HashRequestAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{context.Request.Path}{context.Request.QueryString}\n"));
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0) hash.AppendData(buffer, 0, read);
        context.Request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
