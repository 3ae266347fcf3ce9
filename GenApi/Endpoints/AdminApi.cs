using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Administration: API keys.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/admin").WithTags("Admin")
            .RequireAuthorization(policy => policy.RequireRole(ApiKeyAuthenticationHandler.AdminRole));
        group.MapPost("/keys", CreateApiKey).WithName(nameof(CreateApiKey)).WithMetadata(new Calling.CarriesSecret())
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapDelete("/keys/{id}", RevokeApiKey).WithName(nameof(RevokeApiKey))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Create an API key for a team.</summary>
    /// <remarks>Needs an admin key (<c>Auth:AdminKey</c>, or a key created with <c>admin: true</c>). The key is returned
    /// once. Keys can also be made on the server with <c>dotnet run --project GenApi -- keys create --team NAME</c>.</remarks>
    /// <response code="201">The key.</response>
    /// <response code="400">The team name is invalid.</response>
    public static async Task<Results<Created<ApiKeyResponse>, ValidationProblem>> CreateApiKey(
        CreateApiKeyRequest request, ApiKeys keys, TimeProvider time, CancellationToken cancellation)
    {
        var errors = new FieldErrors();
        errors.Check(ApiKeys.IsValidTeam(request.Team ?? ""), "team", "team must be 1-64 letters, digits, '-' or '_'.");
        errors.Check(request.ExpiresAt is null || request.ExpiresAt > time.GetUtcNow(), "expiresAt", "expiresAt must be in the future.");
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The key request is invalid.", type: Problems.InvalidRequest);
        var (id, key) = await keys.CreateAsync(request.Team!, request.Admin, request.ExpiresAt, cancellation);
        return TypedResults.Created($"/v1/admin/keys/{id}", new ApiKeyResponse(id, request.Team!, request.Admin, key, request.ExpiresAt));
    }

    /// <summary>Revoke an API key.</summary>
    /// <remarks>The key stops working at once on this server (within a minute on other API replicas, which cache keys).</remarks>
    /// <param name="id">Key id, as returned when it was created.</param>
    /// <response code="204">Revoked.</response>
    /// <response code="404">No key has this id.</response>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeApiKey(string id, ApiKeys keys, CancellationToken cancellation) =>
        await keys.RevokeAsync(id, cancellation)
            ? TypedResults.NoContent()
            : Problems.NotFound("key", id);
}
