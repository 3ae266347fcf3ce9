using GenApi.Endpoints;

namespace GenApi.Calling;

/// <summary>
/// Refuses declared bodies over the limit with a 413 ProblemDetails before anything reads them (Kestrel's
/// MaxRequestBodySize also stops undeclared, chunked ones while they stream).
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length && length > Hosting.GenApiExtensions.MaxRequestBodyBytes)
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.", "body-too-large",
                $"Bodies are limited to {Hosting.GenApiExtensions.MaxRequestBodyBytes / 1024} KiB.");
            return;
        }
        await next(context);
    }
}
