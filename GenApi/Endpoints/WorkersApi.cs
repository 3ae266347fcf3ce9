using GenApi.Contracts;
using GenApi.Worker.Jobs;
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
    /// <remarks>Every worker that has reported a heartbeat and not shut down: its device, current jobs and whether it is alive.
    /// In embedded mode the API process itself is the one worker.</remarks>
    /// <response code="200">The workers, oldest first.</response>
    public static async Task<Ok<List<WorkerResponse>>> ListWorkers(IJobStore store, TimeProvider time, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok((await store.ListWorkersAsync(cancellation)).Select(w => WorkerResponse.From(w, now)).ToList());
    }
}
