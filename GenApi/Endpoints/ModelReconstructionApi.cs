using System.Security.Claims;
using System.Text;
using System.Text.Json;
using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>VAE reconstructions: an image, or a sequence, through the model's encoder and decoder.</summary>
public static class ModelReconstructionApi
{
    private const string Json = "application/json";
    private const string Csv = "text/csv";

    public static void MapModelReconstruction(this RouteGroupBuilder group) =>
        group.MapPost("/{id}/reconstruct", Reconstruct).WithName("ReconstructImage")
            // One declaration: routing matches the body's type against a single list. The images and CSV are documented as raw bodies.
            .Accepts<SequenceRequest>(Json, "image/png", "image/jpeg", Csv)
            .RendersPng(cached: false)
            // After the PNG's: one declaration of the 200's types, the JSON one with its schema (PNG and CSV are raw).
            .Produces<SequenceResponse>(StatusCodes.Status200OK, "image/png", Json, Csv);

    /// <summary>Reconstruct an image or a sequence with a VAE.</summary>
    /// <remarks>Images (vae, cvae, and rvae/crvae trained on images): send a PNG or JPEG. It is centre-cropped, resized to the
    /// model's resolution (and made gray for a grayscale model), encoded to its posterior mean and decoded: the reply is the
    /// reconstruction as PNG. Sequences (rvae/crvae trained on sequence data): send <c>{"values": [[…], …]}</c> (steps × features) as
    /// JSON, or one sequence as CSV in a layout <c>POST /v1/datasets</c> reads (e.g. a sequence of <c>samples.csv</c>); values in the
    /// data's units and as many steps as the model's <c>sequenceLength</c>. The reply has the request's media type.</remarks>
    /// <param name="id">Model id (a <c>vae</c>, <c>cvae</c>, <c>rvae</c> or <c>crvae</c>).</param>
    /// <param name="label">The input's class (conditional models; default 0).</param>
    /// <param name="scale">Integer upscaling of a PNG reply, 1…8 (default 1).</param>
    /// <response code="200">The reconstruction.</response>
    /// <response code="400">The body is not an image (or sequence) the model takes, or the model cannot reconstruct.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<IResult> Reconstruct(
        string id, int? label, int? scale, HttpRequest request, ClaimsPrincipal user, IJobStore store, ModelSampler sampler,
        Microsoft.Extensions.Options.IOptions<DatasetOptions> limits, CancellationToken cancellation)
    {
        if (await store.GetModelAsync(id, user.Team(), cancellation) is not { } model) return Problems.ModelNotFound(id);
        var errors = new Dictionary<string, string[]>();
        if (!ModelFamilies.Get(model.Family).Operations.HasFlag(FamilyOperations.Reconstruct))
            errors["id"] = [$"Model '{id}' is a {model.Family}: only {ModelFamilies.Supporting(FamilyOperations.Reconstruct)} models have an encoder to reconstruct with."];
        if (label is not null && !model.Config.Conditional) errors["label"] = ["This model is not class-conditional."];
        else if (label is < 0 || label >= model.Config.Classes) errors["label"] = [$"label must be between 0 and {model.Config.Classes - 1}."];
        if (scale is < 1 or > 8) errors["scale"] = ["scale must be between 1 and 8."];
        var type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is Json or Csv)
        {
            var values = await SequenceBody.ReadAsync(request, model, type == Csv, limits.Value, errors, cancellation);
            if (errors.Count > 0) return Invalid(errors);
            var reconstructed = await Task.Run(() => sampler.ReconstructSequence(model, values!, label), cancellation);
            return type == Csv
                ? TypedResults.File(Encoding.UTF8.GetBytes(reconstructed.ToCsv()), $"{Csv}; charset=utf-8", $"{id}-reconstruction.csv")
                : TypedResults.Json(new SequenceResponse(0, reconstructed.Labels[0], reconstructed.Values[0]), JsonSerializerOptions.Web, Json);
        }
        if (model.Config.Recurrent?.Values is not null)
            errors["body"] = [$"Model '{id}' was trained on sequences: send one as {Json} ({{\"values\": [[...], ...]}}) or {Csv}, not an image."];
        using var image = errors.ContainsKey("body") ? null : await ImageBody.ReadAsync(request, model, limits.Value.MaxImagePixels, errors, cancellation);
        if (errors.Count > 0) return Invalid(errors);
        var png = await Task.Run(() => sampler.Reconstruct(model, image!, label, scale ?? 1), cancellation);
        return TypedResults.File(png, "image/png");
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The reconstruction request is invalid.", type: Problems.InvalidRequest);
}
