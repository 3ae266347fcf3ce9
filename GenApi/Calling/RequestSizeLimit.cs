using GenApi.Endpoints;
using GenApi.Worker.Datasets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace GenApi.Calling;

/// <summary>
/// Refuses declared bodies over the limit with a 413 ProblemDetails before anything reads them (Kestrel's
/// MaxRequestBodySize also stops undeclared, chunked ones while they stream). Upload endpoints
/// (<see cref="UploadSizeLimit"/>) get the upload limit instead of the JSON one.
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next, IOptions<DatasetOptions> datasets)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var upload = context.GetEndpoint()?.Metadata.GetMetadata<UploadSizeLimit>() is not null;
        var limit = upload ? datasets.Value.MaxUploadBytes : Hosting.GenApiExtensions.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.", "body-too-large",
                $"Bodies are limited to {limit / 1024} KiB here.");
            return;
        }
        if (upload && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        await next(context);
    }
}
