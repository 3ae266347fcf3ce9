using System.Security.Claims;
using GenApi.Auth;
using GenApi.Calling;
using GenApi.Contracts;
using GenApi.Rendering;
using GenApi.Sweeps;
using GenApi.Webhooks;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Sweeps;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GenApi.Endpoints;

/// <summary>Sweeps: hyperparameter searches whose trials are ordinary jobs.</summary>
public static class SweepsApi
{
    public static RouteGroupBuilder MapSweepsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sweeps").WithTags("Sweeps").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/", CreateSweep).WithName(nameof(CreateSweep))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/", ListSweeps).WithName(nameof(ListSweeps))
            .ProducesValidationProblem();
        group.MapGet("/{id}", GetSweep).WithName(nameof(GetSweep))
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/chart.png", GetSweepChart).WithName(nameof(GetSweepChart)).RendersPng(cached: false);
        group.MapPost("/{id}/cancel", CancelSweep).WithName(nameof(CancelSweep))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", DeleteSweep).WithName(nameof(DeleteSweep))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>Start a sweep.</summary>
    /// <remarks>Trials are proposed by <c>method</c>, queued as jobs (<c>GET /v1/jobs?sweepId=</c>) at most <c>maxParallel</c> at a
    /// time, scored on <c>metric</c> at every checkpoint, and stopped early by <c>earlyStopping</c> (status <c>pruned</c>; they keep
    /// their model). Every invalid field, every invalid value of the space included, is reported at once in <c>errors</c>.</remarks>
    /// <response code="202">The sweep was accepted; <c>Location</c> is its address.</response>
    /// <response code="400">The body is malformed, or the base job, the space or a setting is invalid, or <c>maxParallel</c> exceeds
    /// what the team's active-job quota has left.</response>
    /// <response code="422">The Idempotency-Key was already used with a different body.</response>
    /// <response code="429">Your team runs its share of sweeps (<c>Quotas:ActiveSweepsPerTeam</c>), or this key started too many sweeps
    /// this minute (<c>RateLimits:SweepsPerMinute</c>); see <c>Retry-After</c>. Trials obey the job quota and rate as they are queued.</response>
    public static async Task<Results<Accepted<SweepResponse>, ValidationProblem, ProblemHttpResult>> CreateSweep(
        CreateSweepRequest request, ClaimsPrincipal user, [AsParameters] SweepIntake intake, HttpContext context, CancellationToken cancellation)
    {
        var (sweeps, admission, limiter, time) = (intake.Sweeps, intake.Admission, intake.Limiter, intake.Time);
        var spec = SweepRequestMapper.Map(request, intake.Json.Value.SerializerOptions, intake.Datasets, user.Team(), intake.Webhooks.Value.Enabled, out var errors);
        // Trials beyond the quota would only wait: a sweep that asks for more at once than the team has left is refused as it stands.
        var remaining = await admission.RemainingAsync(user.Team(), cancellation);
        if (request.MaxParallel is { } parallel && parallel > remaining && !errors.ContainsKey("maxParallel"))
            errors["maxParallel"] = [$"maxParallel is {parallel}, but your team may queue only {remaining} more jobs now (Quotas:ActiveJobsPerTeam); lower it, or wait for jobs to finish."];
        if (spec is null || errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The sweep request is invalid.", type: Problems.InvalidRequest);
        if (await intake.Quotas.CheckSweepsAsync(user.Team(), sweeps, context, cancellation) is { } overQuota) return overQuota;
        if (limiter.TryTake(user.KeyId()) is { } wait)
            return RateLimits.TooMany(context, wait, "Too many sweeps created.",
                $"This key may start {limiter.PerMinute} sweeps a minute (RateLimits:SweepsPerMinute); retry after {Math.Ceiling(wait.TotalSeconds)} s.");
        var sweep = new SweepRecord { Id = SweepRecord.NewId(), Team = user.Team(), Status = SweepStatus.Running, Spec = spec, CreatedAt = time.GetUtcNow() };
        await sweeps.CreateSweepAsync(sweep, cancellation);
        var stored = (await sweeps.GetSweepAsync(sweep.Id, cancellation: cancellation))!;
        return TypedResults.Accepted($"/v1/sweeps/{sweep.Id}", SweepResponse.From(stored, [], time.GetUtcNow()));
    }

    /// <summary>List sweeps.</summary>
    /// <remarks>Newest first, cursor-paginated like jobs: pass <c>nextCursor</c> as <c>after</c>.</remarks>
    /// <param name="limit">Page size, 1…100 (default 20).</param>
    /// <param name="after">Cursor from the previous page.</param>
    /// <response code="200">A page of sweeps, each with its leaderboard.</response>
    /// <response code="400">limit or after is invalid.</response>
    public static async Task<Results<Ok<PageResponse<SweepResponse>>, ValidationProblem>> ListSweeps(
        int? limit, string? after, ClaimsPrincipal user, ISweepStore sweeps, TimeProvider time, CancellationToken cancellation)
    {
        if (Paging.Validate(limit, after, out var cursor) is { } invalid) return invalid;
        var size = limit ?? 20;
        var page = await sweeps.ListSweepsAsync(user.Team(), cursor, size + 1, cancellation);
        var responses = new Dictionary<string, SweepResponse>();
        foreach (var sweep in page.Take(size)) responses[sweep.Id] = await LoadAsync(sweep, sweeps, time, cancellation);
        return TypedResults.Ok(Paging.Page(page, size, s => responses[s.Id], s => new PageCursor(s.CreatedAt, s.Id)));
    }

    /// <summary>Get a sweep with its leaderboard.</summary>
    /// <remarks>Status, trials per status, the best trial so far (parameters, score, model) and every trial: parameters, status
    /// (<c>pruned</c> with the rung and reason), its score at each checkpoint, images/s and wall time.</remarks>
    /// <param name="id">Sweep id.</param>
    /// <response code="200">The sweep.</response>
    /// <response code="404">No sweep of yours has this id.</response>
    public static async Task<Results<Ok<SweepResponse>, ProblemHttpResult>> GetSweep(
        string id, ClaimsPrincipal user, ISweepStore sweeps, TimeProvider time, CancellationToken cancellation)
    {
        if (await sweeps.GetSweepAsync(id, user.Team(), cancellation) is not { } sweep) return SweepNotFound(id);
        return TypedResults.Ok(await LoadAsync(sweep, sweeps, time, cancellation));
    }

    /// <summary>Get a sweep's chart as PNG.</summary>
    /// <remarks>Left: the metric against the step for every trial (pruned ones faded). Right: one panel per swept parameter, the
    /// trials' latest scores against its values (log scale for log-uniform ranges).</remarks>
    /// <param name="id">Sweep id.</param>
    /// <param name="width">Pixels, 200…4000 (default 1200).</param>
    /// <param name="height">Pixels, 150…4000 (default 600).</param>
    /// <response code="200">The chart; drawn once per new metric (or score) and size, then served from memory.</response>
    /// <response code="400">width or height out of range.</response>
    /// <response code="404">No sweep of yours has this id.</response>
    /// <response code="429">This key has <c>RateLimits:ConcurrentRendersPerKey</c> renders running (charts count with samples); see <c>Retry-After</c>.</response>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetSweepChart(
        string id, int? width, int? height, ClaimsPrincipal user, ISweepStore sweeps, ChartCache charts, CancellationToken cancellation)
    {
        if (ChartSize.Validate(width, height) is { } invalid) return invalid;
        if (await sweeps.GetSweepAsync(id, user.Team(), cancellation) is not { } sweep) return SweepNotFound(id);
        var trials = TrialScores.Of(await sweeps.ListTrialsAsync(id, cancellation), await sweeps.ListSweepScoresAsync(id, cancellation), sweep.Spec.Metric);
        var (w, h) = (width ?? 1200, height ?? 600);
        var version = $"{sweep.Status}/" + string.Join(",", trials.Select(t => $"{t.Trial.Status}:{t.Values.Count}"));
        return TypedResults.File(charts.GetOrRender($"sweep/{id}", version, w, h, () => SweepChart.RenderPng(sweep, trials, w, h)), "image/png");
    }

    /// <summary>Cancel a sweep.</summary>
    /// <remarks>No new trial starts; queued trials are canceled at once and running ones stop within two seconds. Canceling a
    /// canceled sweep is a no-op.</remarks>
    /// <param name="id">Sweep id.</param>
    /// <response code="200">The sweep after the request.</response>
    /// <response code="404">No sweep of yours has this id.</response>
    /// <response code="409">The sweep already succeeded or failed.</response>
    public static async Task<Results<Ok<SweepResponse>, ProblemHttpResult>> CancelSweep(
        string id, ClaimsPrincipal user, ISweepStore sweeps, IJobStore jobs, TimeProvider time, CancellationToken cancellation)
    {
        if (await sweeps.GetSweepAsync(id, user.Team(), cancellation) is null) return SweepNotFound(id);
        await sweeps.FinishSweepAsync(id, SweepStatus.Canceled, "canceled on request", cancellation);
        var sweep = (await sweeps.GetSweepAsync(id, user.Team(), cancellation))!;
        if (sweep.Status is SweepStatus.Succeeded or SweepStatus.Failed)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The sweep has already finished.",
                detail: $"Sweep '{id}' is {sweep.Status.ToString().ToLowerInvariant()} and can no longer be canceled.", type: Problems.Type("sweep-finished"));
        foreach (var trial in await sweeps.ListTrialsAsync(id, cancellation))
            if (!trial.Status.IsFinished()) await jobs.RequestCancelAsync(trial.Id, cancellation: cancellation);
        return TypedResults.Ok(await LoadAsync(sweep, sweeps, time, cancellation));
    }

    /// <summary>Delete a finished sweep.</summary>
    /// <remarks>Removes the sweep and its trials (their jobs, events, metrics, checkpoints and grids). Models the trials produced stay.</remarks>
    /// <param name="id">Sweep id.</param>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No sweep of yours has this id.</response>
    /// <response code="409">The sweep is running, or a trial has not stopped yet: cancel it and retry.</response>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteSweep(
        string id, ClaimsPrincipal user, ISweepStore sweeps, ArtifactPaths paths, CancellationToken cancellation)
    {
        if (await sweeps.GetSweepAsync(id, user.Team(), cancellation) is not { } sweep) return SweepNotFound(id);
        var trials = await sweeps.ListTrialsAsync(id, cancellation);
        if (sweep.Status == SweepStatus.Running || !await sweeps.DeleteSweepAsync(id, user.Team(), cancellation))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The sweep is not finished.",
                detail: $"Sweep '{id}' is {sweep.Status.ToString().ToLowerInvariant()} or has trials still stopping: cancel it first.", type: Problems.Type("sweep-not-finished"));
        foreach (var trial in trials) paths.DeleteJob(trial.Id);
        return TypedResults.NoContent();
    }

    private static async Task<SweepResponse> LoadAsync(SweepRecord sweep, ISweepStore sweeps, TimeProvider time, CancellationToken cancellation)
    {
        var trials = await sweeps.ListTrialsAsync(sweep.Id, cancellation);
        var scores = await sweeps.ListSweepScoresAsync(sweep.Id, cancellation);
        return SweepResponse.From(sweep, TrialScores.Of(trials, scores, sweep.Spec.Metric), time.GetUtcNow());
    }

    private static ProblemHttpResult SweepNotFound(string id) => Problems.NotFound("sweep", id);
}
