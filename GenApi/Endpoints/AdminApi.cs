using GenApi.Auth;
using GenApi.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Administration: API keys.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/admin").WithTags("Admin")
            .RequireAuthorization(policy => policy.RequireRole(ApiKeyAuthenticationHandler.AdminRole));
        group.MapPost("/keys", CreateApiKey).WithName(nameof(CreateApiKey))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    /// <summary>Create an API key for a team.</summary>
    /// <remarks>Needs an admin key (<c>Auth:AdminKey</c>, or a key created with <c>admin: true</c>). The key is returned
    /// once. Keys can also be made on the server with <c>dotnet run --project GenApi -- keys create --team NAME</c>.</remarks>
    /// <response code="201">The key.</response>
    /// <response code="400">The team name is invalid.</response>
    public static async Task<Results<Created<ApiKeyResponse>, ValidationProblem>> CreateApiKey(CreateApiKeyRequest request, ApiKeys keys, CancellationToken cancellation)
    {
        if (!ApiKeys.IsValidTeam(request.Team ?? ""))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["team"] = ["team must be 1-64 letters, digits, '-' or '_'."] },
                title: "The key request is invalid.", type: Problems.InvalidRequest);
        var (id, key) = await keys.CreateAsync(request.Team!, request.Admin, cancellation);
        return TypedResults.Created($"/v1/admin/keys/{id}", new ApiKeyResponse(id, request.Team!, request.Admin, key));
    }
}
