using System.Net.ServerSentEvents;
using System.Security.Claims;
using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
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
    /// starting after <c>Last-Event-ID</c> when reconnecting, and closes once the job has finished. It also closes when the
    /// key is revoked or expires (within <c>Events:KeyRecheckInterval</c>) and after <c>Events:StreamLifetime</c>: reconnect
    /// with <c>Last-Event-ID</c> to go on.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The event stream.</response>
    /// <response code="404">No job of yours has this id.</response>
    public static async Task<Results<ServerSentEventsResult<JobEventResponse>, ProblemHttpResult>> StreamJobEvents(
        string id, ClaimsPrincipal user, IJobStore store, Events.JobEventFeed feed, Events.StreamLease leases, HttpContext context, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, user.Team(), cancellation) is null) return Problems.JobNotFound(id);
        _ = long.TryParse(context.Request.Headers["Last-Event-ID"], out var after);
        var lease = leases.Open(context);
        return TypedResults.ServerSentEvents(Follow(feed, id, Math.Max(0, after), lease));
    }

    private static async IAsyncEnumerable<SseItem<JobEventResponse>> Follow(Events.JobEventFeed feed, string id, long after, CancellationTokenSource lease)
    {
        var events = feed.FollowAsync(id, after, lease.Token).GetAsyncEnumerator(lease.Token);
        try
        {
            while (await NextAsync(events, lease.Token))
                yield return new SseItem<JobEventResponse>(JobEventResponse.From(events.Current), events.Current.Kind)
                {
                    EventId = events.Current.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
        }
        finally
        {
            await events.DisposeAsync();
            await lease.CancelAsync(); // stops the key watcher
            lease.Dispose();
        }
    }

    // The lease ending (key revoked, lifetime over) ends the stream cleanly; the caller leaving ends it as before.
    private static async Task<bool> NextAsync(IAsyncEnumerator<JobEvent> events, CancellationToken lease)
    {
        try
        {
            return await events.MoveNextAsync();
        }
        catch (OperationCanceledException) when (lease.IsCancellationRequested)
        {
            return false;
        }
    }
}
