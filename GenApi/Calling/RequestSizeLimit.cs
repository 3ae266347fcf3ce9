using GenApi.Endpoints;

namespace GenApi.Calling;

/// <summary>
/// Refuses declared bodies over the limit with a 413 ProblemDetails before anything reads them (Kestrel's
/// MaxRequestBodySize also stops undeclared, chunked ones while they stream).
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (context.Request.ContentLength is { } length && length > Hosting.GenApiExtensions.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge, Title = "The request body is too large.", Type = Problems.Type("body-too-large"),
                    Detail = $"Bodies are limited to {Hosting.GenApiExtensions.MaxRequestBodyBytes / 1024} KiB.",
                },
            });
            return;
        }
        await next(context);
    }
}
