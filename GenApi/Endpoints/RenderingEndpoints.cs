namespace GenApi.Endpoints;

/// <summary>What every endpoint that renders a PNG from a model shares: the per-key render limit and its answers.</summary>
public static class RenderingEndpoints
{
    /// <param name="cached">Deterministic for its parameters and seed, so it answers <c>If-None-Match</c> with 304.</param>
    public static RouteHandlerBuilder RendersPng(this RouteHandlerBuilder endpoint, bool cached)
    {
        endpoint.RequireRateLimiting(Calling.RateLimits.Rendering)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .Produces(StatusCodes.Status200OK, contentType: "image/png");
        if (cached) endpoint.Produces(StatusCodes.Status304NotModified);
        return endpoint.ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
