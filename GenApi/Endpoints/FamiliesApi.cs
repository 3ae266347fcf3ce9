using GenApi.Contracts;
using GenApi.Worker.Families;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>The model families, drawn from the engine's registry: what a job request may name and set.</summary>
public static class FamiliesApi
{
    public static RouteGroupBuilder MapFamiliesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/families").WithTags("Families").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListFamilies).WithName(nameof(ListFamilies));
        group.MapGet("/{name}", GetFamily).WithName(nameof(GetFamily)).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>List model families.</summary>
    /// <remarks>Every family a job's <c>model</c> may name, with the family-specific fields it takes (bounds and values as the
    /// job's validation checks them) and the settings each of its presets resolves to. The web console's job form shows a
    /// family's fields from here.</remarks>
    /// <response code="200">The families, in the registry's order.</response>
    public static Ok<List<FamilyResponse>> ListFamilies() => TypedResults.Ok(ModelFamilies.All.Select(FamilyResponse.From).ToList());

    /// <summary>Get a model family.</summary>
    /// <param name="name">The family's <c>model</c> value, e.g. <c>dcgan</c>.</param>
    /// <response code="200">The family.</response>
    /// <response code="404">No family has that name.</response>
    public static Results<Ok<FamilyResponse>, ProblemHttpResult> GetFamily(string name) => ModelFamilies.Find(name) is { } family
        ? TypedResults.Ok(FamilyResponse.From(family))
        : Problems.NotFound("family", name, $"No model family is named '{name}'; expected one of: {string.Join(", ", ModelFamilies.Names)}.");
}
