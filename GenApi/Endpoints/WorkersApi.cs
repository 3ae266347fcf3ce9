using System.Security.Claims;
using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>The processes that train jobs.</summary>
public static class WorkersApi
{
    public static RouteGroupBuilder MapWorkersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/workers").WithTags("Workers").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListWorkers).WithName(nameof(ListWorkers));
        return group;
    }

    /// <summary>List workers.</summary>
    /// <remarks>Every worker that has reported a heartbeat and not shut down: its label (as in job events), device, how many jobs
    /// it trains and whether it is alive; admins also see its host and process id and the ids of those jobs (they belong to every
    /// team). In embedded mode the API process itself is the one worker.</remarks>
    /// <response code="200">The workers, oldest first.</response>
    public static async Task<Ok<List<WorkerResponse>>> ListWorkers(ClaimsPrincipal user, IWorkerRegistry store, TimeProvider time, AuthMode mode, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        // Without authentication there is one team, whose jobs they all are.
        var admin = user.IsInRole(ApiKeyAuthenticationHandler.AdminRole) || !mode.Enabled;
        return TypedResults.Ok((await store.ListWorkersAsync(cancellation)).Select(w => WorkerResponse.From(w, now, admin)).ToList());
    }
}
