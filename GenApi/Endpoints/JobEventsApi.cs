using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Worker.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>A job's events, as pages or as a live Server-Sent Events stream.</summary>
public static class JobEventsApi
{
    public static void MapJobEvents(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/events", GetJobEvents).WithName(nameof(GetJobEvents))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/events/stream", StreamJobEvents).WithName(nameof(StreamJobEvents))
            .RequireRateLimiting(Calling.RateLimits.Streams)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .Produces<JobEventResponse>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>List a job's events.</summary>
    /// <remarks>Oldest first: queued, started on worker X (attempt n), resumed from a checkpoint, checkpoints saved,
    /// interrupted by a stopping worker, webhook deliveries, and how it ended. Pass <c>nextCursor</c> as <c>after</c> for more.</remarks>
    /// <param name="id">Job id.</param>
    /// <param name="limit">Page size, 1…100 (default 100).</param>
    /// <param name="after">Cursor from the previous page (an event id).</param>
    /// <response code="200">A page of events.</response>
    /// <response code="400">limit or after is invalid.</response>
    /// <response code="404">No job of yours has this id.</response>
    public static async Task<Results<Ok<PageResponse<JobEventResponse>>, ValidationProblem, ProblemHttpResult>> GetJobEvents(
        string id, int? limit, string? after, ClaimsPrincipal user, IJobStore store, CancellationToken cancellation)
    {
        // The cursor is opaque text, like nextCursor: an event id today.
        long afterId = 0;
        var errors = new FieldErrors();
        errors.Check(limit is null or >= 1 and <= JobsApi.MaxPageSize, "limit", $"limit must be between 1 and {JobsApi.MaxPageSize}.");
        errors.Check(after is null || (long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out afterId)),
            "after", "after is not a cursor returned by this API.");
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The list request is invalid.", type: Problems.InvalidRequest);
        if (await store.GetJobAsync(id, user.Team(), cancellation) is null) return Problems.JobNotFound(id);
        var size = limit ?? JobsApi.MaxPageSize;
        var events = await store.ListEventsAsync(id, afterId, size + 1, cancellation);
        var page = events.Take(size).Select(JobEventResponse.From).ToList();
        var hasMore = events.Count > size;
        return TypedResults.Ok(new PageResponse<JobEventResponse>(page, hasMore, hasMore ? page[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
    }

    /// <summary>Follow a job's events live (Server-Sent Events).</summary>
    /// <remarks>Sends every event as it happens (SSE <c>event</c> = kind, <c>id</c> = event id, <c>data</c> = the event as JSON),
    /// starting after <c>Last-Event-ID</c> when reconnecting, and closes once the job has finished.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The event stream.</response>
    /// <response code="404">No job of yours has this id.</response>
    public static async Task<Results<ServerSentEventsResult<JobEventResponse>, ProblemHttpResult>> StreamJobEvents(
        string id, ClaimsPrincipal user, IJobStore store, Events.JobEventFeed feed, HttpRequest request, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, user.Team(), cancellation) is null) return Problems.JobNotFound(id);
        _ = long.TryParse(request.Headers["Last-Event-ID"], out var after);
        return TypedResults.ServerSentEvents(Follow(feed.FollowAsync(id, Math.Max(0, after), cancellation), cancellation));
    }

    private static async IAsyncEnumerable<SseItem<JobEventResponse>> Follow(IAsyncEnumerable<JobEvent> events, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var e in events.WithCancellation(cancellation))
            yield return new SseItem<JobEventResponse>(JobEventResponse.From(e), e.Kind) { EventId = e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }
}
