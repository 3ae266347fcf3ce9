using System.Security.Claims;
using GenApi.Auth;
using GenApi.Calling;
using GenApi.Contracts;
using GenApi.Worker.Compression;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Model compression: a job that makes a smaller, faster model from a trained one.</summary>
public static class ModelCompressionApi
{
    public static void MapModelCompression(this RouteGroupBuilder group) =>
        group.MapPost("/{id}/compress", CompressModel).WithName(nameof(CompressModel))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>Compress a model.</summary>
    /// <remarks>Starts a job on the training queue (202, <c>Location</c> of the job). It makes the derived generator (<c>distill</c>, or
    /// <c>prune</c> with its optional fine-tuning), stores it (<c>quantize</c>), measures it against the model (parameters, file size,
    /// FLOPs, warm 64-sample latency, Fréchet distance and precision/recall where the dataset has a test split, fidelity) and publishes
    /// it as a new model (the job's <c>modelId</c>) with <c>parentModelId</c>, <c>compression</c> and <c>compressionReport</c>. Every
    /// sampling endpoint works on it as on any model. Applies to the models that sample from noise; narrowing (distill, channel
    /// pruning) to the convolutional and MLP generators. A VAE keeps its parent's encoder (quantized with the rest).</remarks>
    /// <param name="id">The model to compress.</param>
    /// <param name="request">The methods and their settings.</param>
    /// <response code="202">The compression job, queued.</response>
    /// <response code="400">The request is invalid or does not apply to this model; every problem is listed.</response>
    /// <response code="404">No model of yours has this id.</response>
    /// <response code="429">Too many jobs: the key's creation rate or the team's quota of active jobs.</response>
    public static async Task<Results<Accepted<JobResponse>, ValidationProblem, ProblemHttpResult>> CompressModel(
        string id, CompressModelRequest request, ClaimsPrincipal user, IJobStore store, DatasetCatalog datasets, TrainingQueue queue,
        JobAdmission admission, HttpContext context, CancellationToken cancellation)
    {
        if (await store.GetModelAsync(id, user.Team(), cancellation) is not { } parent) return Problems.ModelNotFound(id);
        var errors = new FieldErrors();
        var testable = datasets.TestSplitProblem(parent.Dataset, parent.Team) is null;
        var compression = Map(request, id, errors);
        compression.Validate(parent, testable, errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The compression request is invalid.", type: Problems.InvalidRequest);
        compression = compression.Resolve(testable);
        var spec = new JobSpec
        {
            Model = parent.Family, Dataset = parent.Dataset, ImageSize = parent.Config.ImageSize, LatentDim = parent.Config.LatentDim,
            BaseChannels = compression.StudentBaseChannels(parent.Config.BaseChannels), Compression = compression,
            Training = new TrainingSettings { Steps = compression.TrainingSteps, BatchSize = compression.Distill?.BatchSize ?? new DistillSpec(1).BatchSize },
        };
        JobRecord? job = null;
        if (await admission.AdmitAsync(user.Team(), user.KeyId(),
            async () => job = await store.CreateJobAsync(JobRecord.NewId(), spec, user.Team(), cancellation: cancellation), cancellation) is { } refusal)
            return refusal.ToProblem(context);
        await queue.EnqueueAsync(job!.Id, cancellation);
        GenApiMetrics.JobsCreated.Add(1);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", JobResponse.From(job));
    }

    // HTTP onto the engine's record: defaults are the engine's, required fields are said missing.
    private static CompressionSpec Map(CompressModelRequest request, string id, FieldErrors errors)
    {
        PruneSpec? prune = null;
        if (request.Prune is { } p)
        {
            errors.Check(p.Sparsity is not null, "prune.sparsity", "prune.sparsity is required: the share to remove, [0, 1).");
            var defaults = new PruneSpec(0);
            prune = new PruneSpec(p.Sparsity ?? 0, p.Method ?? defaults.Method, p.Scope ?? defaults.Scope, p.FineTuneSteps ?? defaults.FineTuneSteps);
        }
        DistillSpec? distill = null;
        if (request.Distill is { } d)
        {
            errors.Check(d.StudentBaseChannels is not null, "distill.studentBaseChannels", "distill.studentBaseChannels is required: the student's width.");
            var defaults = new DistillSpec(d.StudentBaseChannels ?? 1);
            distill = defaults with
            {
                Steps = d.Steps ?? defaults.Steps, BatchSize = d.BatchSize ?? defaults.BatchSize, LearningRate = d.LearningRate ?? defaults.LearningRate,
                PixelLoss = d.PixelLoss ?? defaults.PixelLoss, FeatureWeight = d.FeatureWeight,
            };
        }
        return new CompressionSpec(id, prune, distill, request.Quantize, request.Evaluate ?? true);
    }
}
