using GenApi.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Training jobs: create, watch, cancel, and see their progress grid.</summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/jobs").WithTags("Jobs");
        group.MapPost("/", CreateJob).WithName(nameof(CreateJob))
            .ProducesValidationProblem();
        group.MapGet("/{id}", GetJob).WithName(nameof(GetJob))
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/cancel", CancelJob).WithName(nameof(CancelJob))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}/events", GetJobEvents).WithName(nameof(GetJobEvents))
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/samples.png", GetJobSamples).WithName(nameof(GetJobSamples))
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Start a training job.</summary>
    /// <remarks>The job is queued and runs on the next free worker; poll <c>Location</c> to follow it.
    /// Every invalid field is reported at once in <c>errors</c>.</remarks>
    /// <response code="202">The job was accepted; the body is the job, <c>Location</c> its address.</response>
    /// <response code="400">The body is malformed or a field is invalid.</response>
    public static async Task<Results<Accepted<JobResponse>, ValidationProblem>> CreateJob(
        CreateJobRequest request, DatasetCatalog datasets, IJobStore store, TrainingQueue queue, CancellationToken cancellation)
    {
        if (JobRequestMapper.Map(request, datasets, out var errors) is not { } spec)
            return TypedResults.ValidationProblem(errors, title: "The job request is invalid.", type: Problems.InvalidRequest);
        var job = await store.CreateJobAsync(JobRecord.NewId(), spec, cancellation);
        queue.Enqueue(job.Id);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", JobResponse.From(job));
    }

    /// <summary>Get a job.</summary>
    /// <remarks>Status, progress (steps, images/s, ETA), latest losses, and the model id once it succeeded.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The job.</response>
    /// <response code="404">No job has this id.</response>
    public static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetJob(string id, IJobStore store, CancellationToken cancellation) =>
        await store.GetJobAsync(id, cancellation) is { } job
            ? TypedResults.Ok(JobResponse.From(job))
            : Problems.JobNotFound(id);

    /// <summary>Cancel a job.</summary>
    /// <remarks>A queued job is canceled at once; a running one stops within two seconds and ends <c>canceled</c>
    /// (until then <c>cancelRequested</c> is true). Canceling a canceled job is a no-op.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The job after the request.</response>
    /// <response code="404">No job has this id.</response>
    /// <response code="409">The job already succeeded or failed.</response>
    public static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> CancelJob(string id, IJobStore store, CancellationToken cancellation)
    {
        var job = await store.RequestCancelAsync(id, cancellation);
        if (job is null) return Problems.JobNotFound(id);
        if (job.Status is JobStatus.Succeeded or JobStatus.Failed)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The job has already finished.",
                detail: $"Job '{id}' is {job.Status.ToString().ToLowerInvariant()} and can no longer be canceled.", type: Problems.Type("job-finished"));
        return TypedResults.Ok(JobResponse.From(job));
    }

    /// <summary>List a job's events.</summary>
    /// <remarks>Oldest first: queued, started on worker X (attempt n), resumed from a checkpoint, checkpoints saved,
    /// interrupted by a stopping worker, and how it ended.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The events.</response>
    /// <response code="404">No job has this id.</response>
    public static async Task<Results<Ok<List<JobEventResponse>>, ProblemHttpResult>> GetJobEvents(string id, IJobStore store, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, cancellation) is null) return Problems.JobNotFound(id);
        var events = await store.ListEventsAsync(id, cancellation);
        return TypedResults.Ok(events.Select(JobEventResponse.From).ToList());
    }

    /// <summary>Get the job's latest progress grid as PNG.</summary>
    /// <remarks>64 samples from fixed noise, refreshed every <c>sampleEvery</c> steps, so successive grids are comparable.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The PNG grid.</response>
    /// <response code="404">No such job, or no grid rendered yet.</response>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetJobSamples(
        string id, IJobStore store, ArtifactPaths paths, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, cancellation) is not { } job) return Problems.JobNotFound(id);
        var file = paths.JobSamples(id);
        if (!File.Exists(file))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No samples yet.",
                detail: $"Job '{id}' renders its first grid after {job.Spec.Training.SampleEvery} steps.", type: Problems.Type("samples-not-ready"));
        return TypedResults.File(await File.ReadAllBytesAsync(file, cancellation), "image/png");
    }
}
