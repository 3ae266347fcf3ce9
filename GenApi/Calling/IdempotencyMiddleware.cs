using System.Security.Cryptography;
using System.Text;
using GenApi.Auth;
using GenApi.Endpoints;
using GenApi.Worker.Jobs;

namespace GenApi.Calling;

/// <summary>
/// <c>Idempotency-Key</c> on POST: the first response (anything but a 5xx) is stored per team and key; a retry
/// with the same key and body gets it back byte for byte, the same key with another body gets 422.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";

    public async Task InvokeAsync(HttpContext context, IAccessStore store)
    {
        var key = context.Request.Headers[Header].ToString();
        if (!HttpMethods.IsPost(context.Request.Method) || key.Length == 0)
        {
            await next(context);
            return;
        }
        if (key.Length > 255)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Idempotency-Key is too long.", "invalid-idempotency-key", "Use at most 255 characters.");
            return;
        }

        context.Request.EnableBuffering();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        context.Request.Body.Position = 0;
        var team = context.User.Team();
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{context.Request.Path}\n")
            .Concat(body.ToArray()).ToArray()));

        if (await store.FindIdempotentAsync(team, key, context.RequestAborted) is { } earlier)
        {
            if (earlier.RequestHash != requestHash)
            {
                await Problems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused with a different request.",
                    "idempotency-key-reused", $"Key '{key}' was first used with another request; use a new key for a new request.");
                return;
            }
            context.Response.StatusCode = earlier.Status;
            context.Response.Headers["Idempotent-Replayed"] = "true";
            if (earlier.Location is not null) context.Response.Headers.Location = earlier.Location;
            context.Response.ContentType = earlier.Status >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
            await context.Response.WriteAsync(earlier.Body, context.RequestAborted);
            return;
        }

        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        if (context.Response.StatusCode < 500)
        {
            await store.SaveIdempotentAsync(team, key, new IdempotentResponse
            {
                RequestHash = requestHash, Status = context.Response.StatusCode,
                Location = context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
                Body = Encoding.UTF8.GetString(captured.ToArray()),
            }, CancellationToken.None);
        }
        captured.Position = 0;
        await captured.CopyToAsync(original, context.RequestAborted);
    }
}
