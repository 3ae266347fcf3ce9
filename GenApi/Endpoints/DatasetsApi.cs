using System.Security.Claims;
using GenApi.Auth;
using GenApi.Calling;
using GenApi.Contracts;
using GenApi.Worker.Datasets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GenApi.Endpoints;

/// <summary>Datasets: the built-in ones, and the zips of images and CSVs of sequences your team uploads.</summary>
public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/datasets").WithTags("Datasets").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListDatasets).WithName(nameof(ListDatasets));
        group.MapGet("/{id}", GetDataset).WithName(nameof(GetDataset)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", UploadDataset).WithName(nameof(UploadDataset))
            .Accepts<Stream>("application/zip", "text/csv")
            .WithMetadata(new UploadSizeLimit())
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapDelete("/{id}", DeleteDataset).WithName(nameof(DeleteDataset)).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>List datasets.</summary>
    /// <remarks>The built-in datasets (with whether each is installed here) and your team's uploads, newest first.</remarks>
    /// <response code="200">The datasets.</response>
    public static Ok<List<DatasetResponse>> ListDatasets(ClaimsPrincipal user, DatasetCatalog catalog, UploadedDatasets uploads)
    {
        var builtIn = DatasetCatalog.Names.Select(name =>
        {
            var shape = catalog.Describe(name)!;
            var problem = catalog.Problem(name);
            return DatasetResponse.Describe(name, name, true, problem is null, problem, shape, null, null);
        });
        return TypedResults.Ok(builtIn.Concat(uploads.List(user.Team()).Select(DatasetResponse.From)).ToList());
    }

    /// <summary>Get an uploaded dataset.</summary>
    /// <param name="id">Dataset id.</param>
    /// <response code="200">The dataset.</response>
    /// <response code="404">No upload of yours has this id.</response>
    public static Results<Ok<DatasetResponse>, ProblemHttpResult> GetDataset(string id, ClaimsPrincipal user, UploadedDatasets uploads) =>
        uploads.Find(id) is { } d && d.Team == user.Team() ? TypedResults.Ok(DatasetResponse.From(d)) : NotFound(id);

    /// <summary>Upload a dataset.</summary>
    /// <remarks>Images: send a zip of PNG or JPEG images as the body (<c>Content-Type: application/zip</c>). Images in one folder per class
    /// are labelled by folder (sorted names → labels 0…n−1); images all in one folder are unlabelled. Each image is
    /// centre-cropped and resized to 64×64, stored once; a job resizes again to its <c>imageSize</c>. All-gray images make a
    /// 1-channel dataset. Refused, with nothing stored: entries with absolute or <c>..</c> paths, files that are not images,
    /// more images or bytes than the server allows (<c>Datasets:MaxImages</c>, <c>Datasets:MaxUncompressedBytes</c>) and
    /// entries that unpack to more than they declare (zip bombs). macOS <c>__MACOSX/</c> metadata is skipped.
    ///
    /// Sequences (for rvae/crvae): send CSV (<c>Content-Type: text/csv</c>), either one univariate sequence per row (a column per step,
    /// an optional <c>label</c> column, an optional header), or long format with a header naming <c>sequence_id</c>, <c>t</c>, any
    /// number of feature columns (a multivariate sequence) and an optional <c>label</c> (one per sequence) — the layout of a model's
    /// <c>samples.csv</c>. Every sequence needs the same length. Values are stored in their units and scaled per feature to [-1, 1]
    /// for training; samples are served back in the same units. Refused, with nothing stored: cells that are not finite numbers
    /// (named by line and column), ragged rows, repeated steps, sequences of different lengths, more rows or columns than the server
    /// allows (<c>Datasets:MaxCsvRows</c>, <c>Datasets:MaxCsvColumns</c>) or sequences (<c>Datasets:MaxImages</c>).</remarks>
    /// <param name="name">A display name (default: the id).</param>
    /// <response code="201">The stored dataset; train on it with <c>dataset: id</c>.</response>
    /// <response code="400">The upload was refused; <c>errors.body</c> says which entry, or line and column, and why.</response>
    /// <response code="403">Your team has reached its dataset quota (<c>Quotas:DatasetsPerTeam</c>, <c>Quotas:DatasetBytesPerTeam</c>), or this
    /// upload's stored size would pass it; uploads under way count.</response>
    /// <response code="413">The body, or what it would store (64×64×3 bytes an image, 4 bytes a CSV value), exceeds <c>Datasets:MaxUploadBytes</c>.</response>
    /// <response code="429">This key already has an upload under way, or the server imports its most at once (<c>RateLimits:ConcurrentUploads</c>);
    /// see <c>Retry-After</c>.</response>
    public static async Task<Results<Created<DatasetResponse>, ValidationProblem, ProblemHttpResult>> UploadDataset(
        string? name, HttpRequest request, ClaimsPrincipal user, UploadedDatasets uploads, Quotas quotas, UploadGate gate, CancellationToken cancellation)
    {
        if (quotas.CheckDatasets(user.Team()) is { } overQuota) return overQuota;
        var errors = new Dictionary<string, string[]>();
        if (name is { Length: > 200 }) errors["name"] = ["name must be at most 200 characters."];
        var csv = request.ContentType is { } csvType && csvType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase);
        if (request.ContentType is { } type && !csv && !type.StartsWith("application/zip", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            errors["body"] = [$"Send a zip of images (Content-Type application/zip) or a CSV of sequences (text/csv) as the body, not {type}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The upload is invalid.", type: Problems.InvalidRequest);
        var (turn, busy) = gate.TryEnter(user.KeyId());
        if (turn is null) return RateLimits.TooMany(request.HttpContext, TimeSpan.FromSeconds(5), "An upload is under way.", busy!);
        using (turn)
        {
            // ZipArchive needs a seekable stream; the body is bounded by the upload limit.
            await using var body = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            await request.Body.CopyToAsync(body, cancellation);
            body.Position = 0;
            var team = user.Team();
            try
            {
                var dataset = await Task.Run(() => csv
                    ? uploads.ImportCsv(new StreamReader(body), name ?? "", team, bytes => quotas.ReserveDataset(team, bytes))
                    : uploads.Import(body, name ?? "", team, bytes => quotas.ReserveDataset(team, bytes)), cancellation);
                return TypedResults.Created($"/v1/datasets/{dataset.Id}", DatasetResponse.From(dataset));
            }
            catch (UploadTooLargeException error)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload would store too much.", detail: error.Message,
                    type: Problems.Type("body-too-large"));
            }
            catch (DatasetQuotaExceededException error)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Dataset quota reached.", detail: error.Message, type: Quotas.QuotaExceeded);
            }
            catch (UploadRejectedException error)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [error.Message] },
                    title: "The upload was refused.", type: Problems.InvalidRequest);
            }
        }
    }

    /// <summary>Delete an uploaded dataset.</summary>
    /// <remarks>Jobs already trained on it keep their models; new jobs can no longer use it.</remarks>
    /// <param name="id">Dataset id.</param>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No upload of yours has this id.</response>
    public static Results<NoContent, ProblemHttpResult> DeleteDataset(string id, ClaimsPrincipal user, UploadedDatasets uploads, DatasetCatalog catalog)
    {
        if (uploads.Find(id) is not { } d || d.Team != user.Team()) return NotFound(id);
        uploads.Delete(id);
        catalog.Forget(id);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound("dataset", id, $"No dataset of yours has the id '{id}'.");
}
