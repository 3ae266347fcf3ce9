using System.Security.Claims;
using GenApi.Auth;
using GenApi.Calling;
using GenApi.Contracts;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Exchange;
using GenApi.Worker.Families;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>A model's weights leave and arrive: safetensors and PyTorch exports, the model card, and imports.</summary>
public static class ModelExchangeApi
{
    private const string Binary = "application/octet-stream";

    public static void MapModelExchange(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/weights.safetensors", ExportSafetensors).WithName(nameof(ExportSafetensors))
            .Produces(StatusCodes.Status200OK, contentType: Binary).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/weights.pt", ExportPyTorch).WithName(nameof(ExportPyTorch))
            .Produces(StatusCodes.Status200OK, contentType: Binary).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/card", GetModelCard).WithName(nameof(GetModelCard)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", ImportModel).WithName(nameof(ImportModel))
            .Accepts<Stream>(Binary, "multipart/form-data")
            .WithMetadata(new UploadSizeLimit())
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Download a model's weights as safetensors.</summary>
    /// <remarks>Every network of the model in one file, each under its prefix (<c>generator.</c>, <c>generator-ema.</c>, <c>encoder.</c>;
    /// a translator's <c>generator-ab.</c> and <c>generator-ba.</c>): the same state dicts PyTorch's modules in README hold. Weights are as
    /// stored: fp32, or a compressed model's fp16, bf16, or int8 with one fp32 scale per output channel beside each
    /// (<c>name.scale</c>; weight = q × scale). The header's <c>__metadata__</c> carries <c>genapi.family</c>, <c>genapi.config</c> (JSON, what
    /// <c>POST /v1/models</c> reads back), <c>genapi.networks</c>, <c>genapi.dataset</c>, <c>genapi.steps</c> and <c>genapi.version</c>.</remarks>
    /// <param name="id">Model id.</param>
    /// <response code="200">The safetensors file.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static Task<IResult> ExportSafetensors(string id, ClaimsPrincipal user, IJobStore store, ModelExporter exporter, CancellationToken cancellation) =>
        ExportAsync(id, user, store, cancellation, (model, stream) => exporter.WriteSafetensors(model, stream), "safetensors");

    /// <summary>Download a model's weights as a PyTorch state dict.</summary>
    /// <remarks>The tensors of <c>weights.safetensors</c> in the file <c>torch.save</c> writes: <c>torch.load("weights.pt")</c> gives the
    /// state dict. The config is in the model card.</remarks>
    /// <param name="id">Model id.</param>
    /// <response code="200">The PyTorch file.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static Task<IResult> ExportPyTorch(string id, ClaimsPrincipal user, IJobStore store, ModelExporter exporter, CancellationToken cancellation) =>
        ExportAsync(id, user, store, cancellation, (model, stream) => exporter.WritePyTorch(model, stream), "pt");

    private static async Task<IResult> ExportAsync(string id, ClaimsPrincipal user, IJobStore store, CancellationToken cancellation,
        Action<ModelRecord, Stream> write, string extension)
    {
        if (await store.GetModelAsync(id, user.Team(), cancellation) is not { } model) return Problems.ModelNotFound(id);
        var body = new MemoryStream();
        await Task.Run(() => write(model, body), cancellation);
        body.Position = 0;
        return TypedResults.File(body, Binary, $"{id}.{extension}");
    }

    /// <summary>Get a model's card.</summary>
    /// <remarks>Family, architecture, the dataset and a content hash of the data it saw, seed, steps, resolved training settings, the latest
    /// scores beside their real-data floor, lineage (trained, compressed, fine-tuned or imported) and the server version.</remarks>
    /// <param name="id">Model id.</param>
    /// <response code="200">The card.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<Results<Ok<ModelCardResponse>, ProblemHttpResult>> GetModelCard(
        string id, ClaimsPrincipal user, IJobStore store, DatasetCatalog datasets, CancellationToken cancellation)
    {
        if (await store.GetModelAsync(id, user.Team(), cancellation) is not { } model) return Problems.ModelNotFound(id);
        var job = model.HasJob ? await store.GetJobAsync(model.JobId, user.Team(), cancellation) : null;
        var scores = job is null ? null : (await store.ListScoresAsync(job.Id, cancellation)).LastOrDefault(s => s.Step <= model.Steps);
        var family = ModelFamilies.Get(model.Family);
        var hash = datasets.Problem(model.Dataset, user.Team()) is null && datasets.Describe(model.Dataset) is not null
            ? await Task.Run(() => datasets.ContentHash(model.Dataset), cancellation) : null;
        return TypedResults.Ok(new ModelCardResponse(model.Id, model.Family, family.Summary, ModelArchitectureResponse.From(model.Config),
            ExchangeFormat.NetworkFiles(FamilyRules.ModelFiles(model.Family), model.Config).Select(ExchangeFormat.Prefix).ToList(), model.Dataset, hash,
            job?.Spec.Training.Seed, model.Steps, job is null ? null : HyperparametersResponse.From(job.Spec),
            scores is not null ? ScoresResponse.From(scores) : null, ModelLineageResponse.From(model), ExchangeFormat.ServerVersion, model.CreatedAt));
    }

    /// <summary>Import a model.</summary>
    /// <remarks>Send a safetensors file of a GenApi family (as <c>weights.safetensors</c> writes it) as the body
    /// (<c>Content-Type: application/octet-stream</c>), or as the <c>file</c> part of a <c>multipart/form-data</c> body with an optional
    /// <c>config</c> part (a JSON architecture, as in the model card; without it the file's <c>genapi.config</c> metadata is used) and an
    /// optional <c>dataset</c> part. The model is your team's and samples, evaluates, compresses and exports like a trained one.
    /// fp16, bf16 and int8 (with <c>.scale</c>) weights are stored as fp32. Refused with a 400 naming the problem, storing nothing: a header
    /// length past the end of the file, a header that is not JSON, overlapping or out-of-range offsets, unknown dtypes, a shape whose bytes
    /// are not in the file, a missing or extra tensor, a shape that does not fit the config, non-finite weights, a config out of the
    /// bounds jobs have.</remarks>
    /// <param name="dataset">The dataset it was trained on (default: the file's <c>genapi.dataset</c>); one this server holds must fit the config.</param>
    /// <response code="201">The imported model.</response>
    /// <response code="400">The file, config or dataset was refused; <c>errors</c> says why.</response>
    /// <response code="403">Your team holds its share of models (<c>Quotas:ModelsPerTeam</c>, <c>Quotas:ModelBytesPerTeam</c>).</response>
    /// <response code="413">The body exceeds <c>Datasets:MaxUploadBytes</c>.</response>
    /// <response code="429">This key already has an upload under way; see <c>Retry-After</c>.</response>
    public static async Task<Results<Created<ModelResponse>, ValidationProblem, ProblemHttpResult>> ImportModel(
        string? dataset, HttpRequest request, ClaimsPrincipal user, ModelImporter importer, UploadGate gate, CancellationToken cancellation)
    {
        var (turn, busy) = gate.TryEnter(user.KeyId());
        if (turn is null) return RateLimits.TooMany(request.HttpContext, TimeSpan.FromSeconds(5), "An upload is under way.", busy!);
        using (turn)
        {
            await using var body = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            string? config = null, fileName = null;
            if (request.HasFormContentType)
            {
                IFormCollection form;
                try
                {
                    form = await request.ReadFormAsync(cancellation);
                }
                catch (InvalidDataException error)
                {
                    return Invalid("body", $"The multipart body cannot be read: {error.Message}");
                }
                if (form.Files.GetFile("file") is not { } part)
                    return Invalid("file", "A multipart import needs a 'file' part holding the safetensors file.");
                fileName = part.FileName;
                await part.CopyToAsync(body, cancellation);
                config = form["config"].FirstOrDefault();
                dataset ??= form["dataset"].FirstOrDefault();
            }
            else if (request.ContentType is { } type && !type.StartsWith(Binary, StringComparison.OrdinalIgnoreCase))
                return Invalid("body", $"Send the safetensors file as {Binary} or as the 'file' part of multipart/form-data, not {type}.");
            else await request.Body.CopyToAsync(body, cancellation);
            try
            {
                var model = await Task.Run(() => importer.ImportAsync(body, fileName, config, dataset, user.Team(), cancellation), cancellation);
                return TypedResults.Created($"/v1/models/{model.Id}", ModelResponse.From(model));
            }
            catch (ImportRejectedException error)
            {
                return Invalid(error.Field, error.Message);
            }
            catch (ModelQuotaExceededException error)
            {
                return Problems.ModelQuota(error);
            }

        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The import was refused.", type: Problems.InvalidRequest);
}
