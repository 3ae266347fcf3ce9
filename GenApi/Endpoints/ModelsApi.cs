using GenApi.Contracts;
using GenApi.Worker.Jobs;
using GenApi.Worker.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Trained models and their samples.</summary>
public static class ModelsApi
{
    public const int MaxSamples = 256;

    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/models").WithTags("Models");
        group.MapGet("/{id}", GetModel).WithName(nameof(GetModel))
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/samples.png", GetModelSamples).WithName(nameof(GetModelSamples))
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Get a model.</summary>
    /// <param name="id">Model id.</param>
    /// <response code="200">The model.</response>
    /// <response code="404">No model has this id.</response>
    public static async Task<Results<Ok<ModelResponse>, ProblemHttpResult>> GetModel(string id, IJobStore store, CancellationToken cancellation) =>
        await store.GetModelAsync(id, cancellation) is { } model
            ? TypedResults.Ok(ModelResponse.From(model))
            : Problems.ModelNotFound(id);

    /// <summary>Generate samples as a PNG grid.</summary>
    /// <remarks>The same model, count and seed always give the same bytes. The seed used is echoed in <c>X-Seed</c>.</remarks>
    /// <param name="id">Model id.</param>
    /// <param name="count">Number of samples, 1…256 (default 64).</param>
    /// <param name="seed">Noise seed, zero or positive; random when absent.</param>
    /// <response code="200">The PNG grid.</response>
    /// <response code="400">count or seed out of range.</response>
    /// <response code="404">No model has this id.</response>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetModelSamples(
        string id, int? count, long? seed, IJobStore store, ModelSampler sampler, HttpContext context, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        if (count is < 1 or > MaxSamples) errors["count"] = [$"count must be between 1 and {MaxSamples}."];
        if (seed is < 0) errors["seed"] = ["seed must be zero or positive."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The sample request is invalid.", type: Problems.InvalidRequest);
        if (await store.GetModelAsync(id, cancellation) is not { } model) return Problems.ModelNotFound(id);

        var usedSeed = seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        context.Response.Headers["X-Seed"] = usedSeed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.File(sampler.RenderPng(model, count ?? 64, usedSeed), "image/png");
    }
}
