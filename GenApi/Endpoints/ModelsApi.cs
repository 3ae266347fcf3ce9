using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using GenApi.Worker.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Trained models and their samples.</summary>
public static class ModelsApi
{
    public const int MaxSamples = 256;

    /// <summary>Most pixels one sampling answer may have (4096²): count × scale² is bounded, not each alone.</summary>
    public const long MaxOutputPixels = 4096L * 4096;

    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/models").WithTags("Models").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListModels).WithName(nameof(ListModels)).ProducesValidationProblem();
        group.MapGet("/{id}", GetModel).WithName(nameof(GetModel)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", DeleteModel).WithName(nameof(DeleteModel)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/evaluate", EvaluateModel).WithName(nameof(EvaluateModel)).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireRateLimiting(Calling.RateLimits.Evaluation).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapModelReconstruction();
        group.MapModelTranslation();
        group.MapModelSequences();
        group.MapModelCompression();
        group.MapModelExchange();
        foreach (var (pattern, handler, name) in new (string, Delegate, string)[]
                 {
                     ("/{id}/samples.png", GetModelSamples, nameof(GetModelSamples)),
                     ("/{id}/samples/{index:int}.png", GetModelSample, nameof(GetModelSample)),
                     ("/{id}/interpolate.png", GetModelInterpolation, nameof(GetModelInterpolation)),
                 })
        {
            group.MapGet(pattern, handler).WithName(name).RendersPng(cached: true);
        }
        return group;
    }

    /// <summary>List models.</summary>
    /// <remarks>Newest first, cursor-paginated: pass <c>nextCursor</c> as <c>after</c>.</remarks>
    /// <param name="limit">Page size, 1…100 (default 20).</param>
    /// <param name="after">Cursor from the previous page.</param>
    /// <response code="200">A page of models.</response>
    /// <response code="400">limit or after is invalid.</response>
    public static async Task<Results<Ok<PageResponse<ModelResponse>>, ValidationProblem>> ListModels(
        int? limit, string? after, ClaimsPrincipal user, IJobStore store, CancellationToken cancellation)
    {
        if (Paging.Validate(limit, after, out var cursor) is { } invalid) return invalid;
        var size = limit ?? 20;
        var models = await store.ListModelsAsync(user.Team(), cursor, size + 1, cancellation);
        return TypedResults.Ok(Paging.Page(models, size, ModelResponse.From, m => new PageCursor(m.CreatedAt, m.Id)));
    }

    /// <summary>Get a model.</summary>
    /// <remarks>Family, dataset, resolution, latent size, classes, training steps, source job and the training losses at its step.</remarks>
    /// <param name="id">Model id.</param>
    /// <response code="200">The model.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<Results<Ok<ModelResponse>, ProblemHttpResult>> GetModel(string id, ClaimsPrincipal user, IJobStore store, CancellationToken cancellation)
    {
        if (await store.GetModelAsync(id, user.Team(), cancellation) is not { } model) return Problems.ModelNotFound(id);
        var last = (await store.ListMetricsAsync(model.JobId, cancellation)).LastOrDefault(p => p.Step <= model.Steps);
        return TypedResults.Ok(ModelResponse.From(model, last is null ? null : new ModelMetricsResponse(last.Step, last.LossD, last.LossG)));
    }

    /// <summary>Delete a model.</summary>
    /// <remarks>Removes the model and its weights; it can no longer be sampled.</remarks>
    /// <param name="id">Model id.</param>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteModel(
        string id, ClaimsPrincipal user, IJobStore store, ArtifactPaths paths, ModelSampler sampler, CancellationToken cancellation)
    {
        if (!await store.DeleteModelAsync(id, user.Team(), cancellation)) return Problems.ModelNotFound(id);
        sampler.Evict(id);
        paths.DeleteModel(id);
        return TypedResults.NoContent();
    }

    /// <summary>Score a model's sample quality.</summary>
    /// <remarks>Fréchet distance, KID and precision/recall of <c>Evaluation:Samples</c> generated images against the dataset's
    /// test split, with the real-data floor beside them (see <c>evaluate</c> on jobs). A translation model (cyclegan) is scored on
    /// its A→B translations of the test split's A images against real B, with the share classified as B and the cycle error. Takes seconds; the first evaluation of a
    /// dataset also trains its feature classifier (about a minute on CPU).</remarks>
    /// <param name="id">Model id.</param>
    /// <response code="200">The scores.</response>
    /// <response code="400">Its dataset has no test split to evaluate against (uploads) or is not installed here, or the request is invalid (e.g. an <c>Idempotency-Key</c> over 255 characters).</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<Results<Ok<ScoresResponse>, ValidationProblem, ProblemHttpResult>> EvaluateModel(
        string id, ClaimsPrincipal user, IJobStore store, ModelSampler sampler, Worker.Evaluation.Evaluator evaluator, Worker.Datasets.DatasetCatalog datasets,
        IHostApplicationLifetime lifetime, CancellationToken cancellation)
    {
        if (await store.GetModelAsync(id, user.Team(), cancellation) is not { } model) return Problems.ModelNotFound(id);
        // An upload has no test split, and a built-in dataset may have been removed since: said, not a 500.
        if (datasets.TestSplitProblem(model.Dataset, model.Team) is { } problem)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [problem] }, title: "This model cannot be evaluated here.",
                type: Problems.InvalidRequest);
        // Off the request thread's synchronization: evaluation is CPU-bound for seconds.
        // Canceled when the caller goes away or the server stops.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation, lifetime.ApplicationStopping);
        var evaluation = await Task.Run(() => sampler.Evaluate(model, evaluator, stopping.Token), stopping.Token);
        return TypedResults.Ok(ScoresResponse.From(evaluation));
    }

    /// <summary>Generate samples as a PNG grid.</summary>
    /// <remarks>Samples 0…count-1 of the seed; the same model and parameters always give the same bytes, so responses
    /// carry an <c>ETag</c> (send <c>If-None-Match</c> for a 304) and, with a seed, a long <c>Cache-Control</c>.
    /// Without a seed one is drawn and echoed in <c>X-Seed</c>.</remarks>
    /// <param name="id">Model id.</param>
    /// <param name="count">Number of samples, 1…256 (default 64).</param>
    /// <param name="seed">Noise seed, zero or positive; random when absent.</param>
    /// <param name="nrow">Images per row (default ≈√count).</param>
    /// <param name="scale">Integer upscaling, 1…8, nearest neighbour (default 1).</param>
    /// <param name="truncation">Truncation ψ in (0, 4]: latents beyond ±ψ are redrawn (less variety, more typical images).</param>
    /// <param name="ema">Sample the EMA generator (default for models trained with emaDecay) or, with false, the raw one.</param>
    /// <param name="label">Class of every sample (conditional models); by default sample i is of class i mod classes, so a grid of
    /// <c>classes</c> columns shows one class per column.</param>
    /// <response code="200">The PNG grid.</response>
    /// <response code="304">Unchanged since the ETag sent in If-None-Match.</response>
    /// <response code="400">A parameter is out of range or does not apply to this model.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<IResult> GetModelSamples(
        string id, int? count, long? seed, int? nrow, int? scale, double? truncation, bool? ema, int? label, [AsParameters] RenderContext render)
    {
        var errors = SampleErrors(seed, scale, truncation);
        if (count is < 1 or > MaxSamples) errors["count"] = [$"count must be between 1 and {MaxSamples}."];
        if (nrow is < 1 or > MaxSamples) errors["nrow"] = [$"nrow must be between 1 and {MaxSamples}."];
        return await RenderAsync(id, seed, new SampleOptions(ema, label), errors, render, (model, s, o) =>
            render.Sampler.RenderGrid(model, o, count ?? 64, s, truncation, nrow, scale ?? 1), $"grid:{count ?? 64}:{nrow}:{scale ?? 1}:{truncation}",
            images: count ?? 64, scale: scale ?? 1);
    }

    /// <summary>Generate one sample as PNG.</summary>
    /// <remarks>Sample <c>index</c> of the seed: the same image as at that position in <c>samples.png</c> with the same seed.</remarks>
    /// <param name="id">Model id.</param>
    /// <param name="index">Position in the seed's stream, 0…255.</param>
    /// <param name="seed">Noise seed, zero or positive; random when absent.</param>
    /// <param name="scale">Integer upscaling, 1…8 (default 1).</param>
    /// <param name="truncation">Truncation ψ in (0, 4].</param>
    /// <param name="ema">Sample the EMA generator (default for models trained with emaDecay) or, with false, the raw one.</param>
    /// <param name="label">Class to sample (conditional models); by default sample i is of class i mod classes.</param>
    /// <response code="200">The PNG image.</response>
    /// <response code="304">Unchanged since the ETag sent in If-None-Match.</response>
    /// <response code="400">A parameter is out of range or does not apply to this model.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<IResult> GetModelSample(
        string id, int index, long? seed, int? scale, double? truncation, bool? ema, int? label, [AsParameters] RenderContext render)
    {
        var errors = SampleErrors(seed, scale, truncation);
        if (index is < 0 or >= MaxSamples) errors["index"] = [$"index must be between 0 and {MaxSamples - 1}."];
        return await RenderAsync(id, seed, new SampleOptions(ema, label), errors, render, (model, s, o) =>
            render.Sampler.RenderOne(model, o, index, s, truncation, scale ?? 1), $"one:{index}:{scale ?? 1}:{truncation}", images: 1, scale: scale ?? 1);
    }

    /// <summary>Interpolate between two seeds as a PNG strip.</summary>
    /// <remarks>Spherical interpolation (slerp) in latent space from sample 0 of <c>from</c> to sample 0 of <c>to</c>.</remarks>
    /// <param name="id">Model id.</param>
    /// <param name="from">Seed of the first image.</param>
    /// <param name="to">Seed of the last image.</param>
    /// <param name="steps">Images in the strip, 2…64 (default 8).</param>
    /// <param name="scale">Integer upscaling, 1…8 (default 1).</param>
    /// <param name="truncation">Truncation ψ in (0, 4].</param>
    /// <param name="ema">Sample the EMA generator (default for models trained with emaDecay) or, with false, the raw one.</param>
    /// <param name="label">Class of the whole strip (conditional models; default 0).</param>
    /// <response code="200">The PNG strip.</response>
    /// <response code="304">Unchanged since the ETag sent in If-None-Match.</response>
    /// <response code="400">A parameter is out of range or does not apply to this model.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<IResult> GetModelInterpolation(
        string id, long? from, long? to, int? steps, int? scale, double? truncation, bool? ema, int? label, [AsParameters] RenderContext render)
    {
        var errors = SampleErrors(null, scale, truncation);
        if (from is null or < 0) errors["from"] = ["from (a seed, zero or positive) is required."];
        if (to is null or < 0) errors["to"] = ["to (a seed, zero or positive) is required."];
        if (steps is < 2 or > 64) errors["steps"] = ["steps must be between 2 and 64."];
        return await RenderAsync(id, from ?? 0, new SampleOptions(ema, label), errors, render, (model, _, o) =>
            render.Sampler.RenderInterpolation(model, o, from!.Value, to!.Value, steps ?? 8, truncation, scale ?? 1), $"slerp:{to}:{steps ?? 8}:{scale ?? 1}:{truncation}",
            images: steps ?? 8, scale: scale ?? 1);
    }

    private static Dictionary<string, string[]> SampleErrors(long? seed, int? scale, double? truncation)
    {
        var errors = new Dictionary<string, string[]>();
        if (seed is < 0) errors["seed"] = ["seed must be zero or positive."];
        if (scale is < 1 or > 8) errors["scale"] = ["scale must be between 1 and 8."];
        if (truncation is { } psi && (psi <= 0 || psi > 4 || !double.IsFinite(psi))) errors["truncation"] = ["truncation must be in (0, 4]."];
        return errors;
    }

    // What a parameter means depends on the model: said rather than ignored.
    private static Dictionary<string, string[]> ModelErrors(Worker.Contracts.ModelRecord model, SampleOptions options, int images, int scale, FamilyOperations operation)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ModelFamilies.Get(model.Family).Operations.HasFlag(operation))
            errors["id"] = [operation == FamilyOperations.Sample
                ? $"Model '{model.Id}' is a {model.Family}: it does not sample from noise (only {ModelFamilies.Supporting(operation)} do); see translations.png and translate."
                : $"Model '{model.Id}' is a {model.Family}: only {ModelFamilies.Supporting(operation)} models translate."];
        // Sequences are drawn as charts, whose size is not the model's.
        var (width, height) = model.Config.Recurrent?.Values is null ? (model.Config.ImageSize, model.Config.ImageSize)
            : (SequenceChart.CellWidth(model.Config.ImageSize), SequenceChart.CellHeight);
        var (w, h) = ((long)width * scale, (long)height * scale);
        if (images * w * h > MaxOutputPixels)
            errors["scale"] = [$"{images} images of {w}×{h} pixels exceed the {MaxOutputPixels:N0} pixels one answer may have: ask for fewer or a smaller scale."];
        if (options.Ema == true && !model.Config.Ema) errors["ema"] = ["This model was trained without an EMA of its generator (emaDecay)."];
        if (operation != FamilyOperations.Sample) return errors;
        if (options.Label is { } label && !model.Config.Conditional) errors["label"] = ["This model is not class-conditional."];
        else if (options.Label is < 0 || options.Label >= model.Config.Classes) errors["label"] = [$"label must be between 0 and {model.Config.Classes - 1}."];
        return errors;
    }

    // Validation, ownership, conditional GET, then rendering: the shared path of the three sample endpoints.
    internal static async Task<IResult> RenderAsync(
        string id, long? seed, SampleOptions options, Dictionary<string, string[]> errors, RenderContext render, Func<Worker.Contracts.ModelRecord, long, SampleOptions, byte[]> draw, string variant, int images, int scale,
        FamilyOperations operation = FamilyOperations.Sample, string contentType = "image/png", Func<Worker.Contracts.ModelRecord, string?>? modelError = null,
        string? downloadName = null)
    {
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The sample request is invalid.", type: Problems.InvalidRequest);
        if (await render.Store.GetModelAsync(id, render.User.Team(), render.Cancellation) is not { } model) return Problems.ModelNotFound(id);
        var modelErrors = ModelErrors(model, options, images, scale, operation);
        if (modelError?.Invoke(model) is { } error) modelErrors["id"] = [error];
        if (modelErrors.Count > 0) return TypedResults.ValidationProblem(modelErrors, title: "The sample request is invalid.", type: Problems.InvalidRequest);
        variant += $":{options.Ema}:{options.Label}";

        var usedSeed = seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        var (context, headers) = (render.Http, render.Http.Response.Headers);
        headers["X-Seed"] = usedSeed.ToString(CultureInfo.InvariantCulture);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{model.Id}|{usedSeed}|{variant}")))[..32]}\"";
        headers.ETag = etag;
        // A model never changes, so a seeded image is immutable; an unseeded one is new each time.
        headers.CacheControl = seed is null ? "no-store" : "private, max-age=31536000, immutable";
        if (seed is not null && context.Request.Headers.IfNoneMatch.Contains(etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var body = draw(model, usedSeed, options);
        GenApiMetrics.SampleDuration.Record(clock.Elapsed.TotalSeconds);
        return TypedResults.File(body, contentType, downloadName);
    }
}
