using System.Security.Claims;
using GenApi.Auth;
using GenApi.Calling;
using GenApi.Contracts;
using GenApi.Webhooks;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GenApi.Endpoints;

/// <summary>Training jobs: create, list, watch, cancel, delete.</summary>
public static class JobsApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/jobs").WithTags("Jobs").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/", CreateJob).WithName(nameof(CreateJob))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/", ListJobs).WithName(nameof(ListJobs))
            .ProducesValidationProblem();
        group.MapGet("/{id}", GetJob).WithName(nameof(GetJob))
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/cancel", CancelJob).WithName(nameof(CancelJob))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", DeleteJob).WithName(nameof(DeleteJob))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapJobEvents();
        group.MapJobMetrics();
        group.MapJobArtifacts();
        return group;
    }

    /// <summary>Start a training job.</summary>
    /// <remarks>The job is queued and runs on the next free worker; poll <c>Location</c> to follow it.
    /// Every invalid field is reported at once in <c>errors</c>. Send an <c>Idempotency-Key</c> header to make retries safe.</remarks>
    /// <response code="202">The job was accepted; the body is the job, <c>Location</c> its address.</response>
    /// <response code="400">The body is malformed or a field is invalid.</response>
    /// <response code="422">The Idempotency-Key was already used with a different body.</response>
    /// <response code="429">Too many jobs created by this key, or your team's active-job quota is reached; see <c>Retry-After</c>.</response>
    public static async Task<Results<Accepted<JobResponse>, ValidationProblem, ProblemHttpResult>> CreateJob(
        CreateJobRequest request, ClaimsPrincipal user, [AsParameters] JobIntake intake, HttpContext context, CancellationToken cancellation)
    {
        var (store, admission) = (intake.Store, intake.Admission);
        var sources = await JobSources.ResolveAsync(request, user.Team(), store, intake.Checkpoints, cancellation);
        if (JobRequestMapper.Map(request, intake.Datasets, user.Team(), sources, intake.Webhooks.Value.Enabled, out var webhook, out var errors) is not { } spec)
            return TypedResults.ValidationProblem(errors, title: "The job request is invalid.", type: Problems.InvalidRequest);
        JobRecord? job = null;
        if (await admission.AdmitAsync(user.Team(), user.KeyId(),
            async () => job = await store.CreateJobAsync(JobRecord.NewId(), spec, user.Team(), webhook, cancellation), cancellation) is { } refusal)
            return refusal.ToProblem(context);
        await intake.Queue.EnqueueAsync(job!.Id, cancellation);
        GenApiMetrics.JobsCreated.Add(1);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", JobResponse.From(job));
    }

    /// <summary>List jobs.</summary>
    /// <remarks>Newest first, cursor-paginated: pass <c>nextCursor</c> as <c>after</c>. Pages stay stable while jobs are added.</remarks>
    /// <param name="limit">Page size, 1…100 (default 20).</param>
    /// <param name="after">Cursor from the previous page.</param>
    /// <param name="status">Only jobs in this status: queued, running, succeeded, failed, canceled or pruned.</param>
    /// <param name="sweepId">Only the trials of this sweep.</param>
    /// <response code="200">A page of jobs.</response>
    /// <response code="400">limit, after or status is invalid.</response>
    public static async Task<Results<Ok<PageResponse<JobResponse>>, ValidationProblem>> ListJobs(
        int? limit, string? after, [OpenApi.ClosedSet(typeof(JobStatusExtensions), nameof(JobStatusExtensions.Names))] string? status, string? sweepId,
        ClaimsPrincipal user, IJobStore store, CancellationToken cancellation)
    {
        if (Paging.Validate(limit, after, out var cursor) is { } invalid) return invalid;
        JobStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["status must be queued, running, succeeded, failed, canceled or pruned."] },
                    title: "The list request is invalid.", type: Problems.InvalidRequest);
            wanted = parsed;
        }
        var size = limit ?? 20;
        var jobs = await store.ListJobsAsync(user.Team(), wanted, cursor, size + 1, sweepId, cancellation);
        return TypedResults.Ok(Paging.Page(jobs, size, JobResponse.From, j => new PageCursor(j.CreatedAt, j.Id)));
    }

    /// <summary>Get a job.</summary>
    /// <remarks>Status, progress (steps, images/s, ETA), latest losses, the latest sample-quality scores with the
    /// real-data floor (jobs with <c>evaluate</c>), and the model id once it succeeded.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The job.</response>
    /// <response code="404">No job of yours has this id.</response>
    public static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetJob(string id, ClaimsPrincipal user, IJobStore store, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, user.Team(), cancellation) is not { } job) return Problems.JobNotFound(id);
        var latest = job.Spec.Evaluate ? (await store.ListScoresAsync(id, cancellation)).LastOrDefault() : null;
        return TypedResults.Ok(JobResponse.From(job, latest is null ? null : ScoresResponse.From(latest)));
    }

    /// <summary>Cancel a job.</summary>
    /// <remarks>A queued job is canceled at once; a running one stops within two seconds and ends <c>canceled</c>
    /// (until then <c>cancelRequested</c> is true). Canceling a canceled job is a no-op.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The job after the request.</response>
    /// <response code="404">No job of yours has this id.</response>
    /// <response code="409">The job already succeeded or failed.</response>
    public static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> CancelJob(string id, ClaimsPrincipal user, IJobStore store, CancellationToken cancellation)
    {
        var job = await store.RequestCancelAsync(id, user.Team(), cancellation);
        if (job is null) return Problems.JobNotFound(id);
        if (job.Status is JobStatus.Succeeded or JobStatus.Failed)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The job has already finished.",
                detail: $"Job '{id}' is {job.Status.ToString().ToLowerInvariant()} and can no longer be canceled.", type: Problems.Type("job-finished"));
        return TypedResults.Ok(JobResponse.From(job));
    }

    /// <summary>Delete a finished job.</summary>
    /// <remarks>Removes the job, its events, metrics, checkpoints and progress grids. Models it produced stay
    /// (delete them with <c>DELETE /v1/models/{id}</c>).</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No job of yours has this id.</response>
    /// <response code="409">The job is still queued or running (cancel it first), or is a trial of a running sweep.</response>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteJob(string id, ClaimsPrincipal user, IJobStore store, ArtifactPaths paths, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, user.Team(), cancellation) is not { } job) return Problems.JobNotFound(id);
        if (job.Status.IsFinished() && job.Trial is { } trial && !await store.DeleteJobAsync(id, user.Team(), cancellation))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The job is a trial of a running sweep.",
                detail: $"Job '{id}' is trial {trial.Number} of sweep '{trial.SweepId}', which is still running: delete the sweep once it has ended.", type: Problems.Type("job-in-sweep"));
        if (!job.Status.IsFinished() || (job.Trial is null && !await store.DeleteJobAsync(id, user.Team(), cancellation)))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The job is not finished.",
                detail: $"Job '{id}' is {job.Status.ToString().ToLowerInvariant()}: cancel it first.", type: Problems.Type("job-not-finished"));
        paths.DeleteJob(id);
        return TypedResults.NoContent();
    }
}
