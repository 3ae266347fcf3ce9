using System.Security.Claims;
using GenApi.Auth;
using GenApi.Calling;
using GenApi.Contracts;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>What a job leaves on disk: its progress grid and checkpoints (promotable to models).</summary>
public static class JobArtifactsApi
{
    public static void MapJobArtifacts(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/samples.png", GetJobSamples).WithName(nameof(GetJobSamples))
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/checkpoints", ListCheckpoints).WithName(nameof(ListCheckpoints))
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/checkpoints/{step:int}/promote", PromoteCheckpoint).WithName(nameof(PromoteCheckpoint))
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Get the job's latest progress grid as PNG.</summary>
    /// <remarks>64 samples from fixed noise, refreshed every <c>sampleEvery</c> steps, so successive grids are comparable.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The PNG grid.</response>
    /// <response code="404">No such job of yours, or no grid rendered yet.</response>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetJobSamples(
        string id, ClaimsPrincipal user, IJobStore store, ArtifactPaths paths, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, user.Team(), cancellation) is not { } job) return Problems.JobNotFound(id);
        if (await paths.ReadJobSamplesAsync(id, cancellation) is not { } png)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No samples yet.",
                detail: $"Job '{id}' renders its first grid after {job.Spec.Training.SampleEvery} steps.", type: Problems.Type("samples-not-ready"));
        return TypedResults.File(png, "image/png");
    }

    /// <summary>List a job's checkpoints.</summary>
    /// <remarks>The most recent five are kept, oldest first. Each can be promoted to a model.</remarks>
    /// <param name="id">Job id.</param>
    /// <response code="200">The checkpoints.</response>
    /// <response code="404">No job of yours has this id.</response>
    public static async Task<Results<Ok<List<CheckpointResponse>>, ProblemHttpResult>> ListCheckpoints(
        string id, ClaimsPrincipal user, IJobStore store, CheckpointStore checkpoints, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, user.Team(), cancellation) is null) return Problems.JobNotFound(id);
        return TypedResults.Ok(checkpoints.Describe(id).Select(c => new CheckpointResponse(c.Step, c.SavedAt, c.Bytes)).ToList());
    }

    /// <summary>Promote a checkpoint to a model.</summary>
    /// <remarks>Makes the checkpoint's generator a model of its own, e.g. an earlier, better one than the final model. Promoting the same
    /// checkpoint again returns the model it made (200), unless that model was deleted. The model counts against the team's model
    /// quotas (<c>Quotas:ModelsPerTeam</c>, <c>Quotas:ModelBytesPerTeam</c>).</remarks>
    /// <param name="id">Job id.</param>
    /// <param name="step">The checkpoint's step.</param>
    /// <response code="200">This checkpoint was promoted before: its model.</response>
    /// <response code="201">The new model.</response>
    /// <response code="403">Your team holds its share of models or model bytes.</response>
    /// <response code="404">No such job of yours, or no checkpoint at that step.</response>
    /// <response code="429">This key promoted too many checkpoints this minute (<c>RateLimits:PromotesPerMinute</c>); see <c>Retry-After</c>.</response>
    public static async Task<Results<Ok<ModelResponse>, Created<ModelResponse>, ProblemHttpResult>> PromoteCheckpoint(
        string id, int step, ClaimsPrincipal user, IJobStore store, CheckpointStore checkpoints, ModelPublisher publisher, PromoteLimiter limiter,
        HttpContext context, CancellationToken cancellation)
    {
        if (await store.GetJobAsync(id, user.Team(), cancellation) is not { } job) return Problems.JobNotFound(id);
        if (checkpoints.Find(id, step) is not { } folder)
            return Problems.NotFound("checkpoint", $"{id}/{step}", $"Job '{id}' has no checkpoint at step {step}: see GET /v1/jobs/{id}/checkpoints.");
        var modelId = ModelRecord.PromotedId(id, step);
        if (await store.GetModelAsync(modelId, user.Team(), cancellation) is { } promoted) return TypedResults.Ok(ModelResponse.From(promoted));
        if (limiter.TryTake(user.KeyId()) is { } wait)
            return RateLimits.TooMany(context, wait, "Too many promotions.",
                $"This key may promote {limiter.PerMinute} checkpoints a minute (RateLimits:PromotesPerMinute); retry after {Math.Ceiling(wait.TotalSeconds)} s.");
        var state = ArtifactLayout.ReadState(folder);
        try
        {
            var model = await publisher.PublishAsync(job, state.Config, state.Step, target => ArtifactLayout.CopyModelFiles(folder, target, FamilyRules.ModelFiles(state.Config.Family)), id: modelId,
                cancellation: cancellation);
            return TypedResults.Created($"/v1/models/{model.Id}", ModelResponse.From(model));
        }
        catch (ModelQuotaExceededException error)
        {
            return Problems.ModelQuota(error);
        }
    }
}
