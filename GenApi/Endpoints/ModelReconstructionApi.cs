using System.Security.Claims;
using GenApi.Auth;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Families;
using GenApi.Worker.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>VAE reconstructions: an image through the model's encoder and decoder.</summary>
public static class ModelReconstructionApi
{
    public static void MapModelReconstruction(this RouteGroupBuilder group) =>
        group.MapPost("/{id}/reconstruct", ReconstructImage).WithName(nameof(ReconstructImage))
            .Accepts<Stream>("image/png", "image/jpeg").RendersPng(cached: false);

    /// <summary>Reconstruct an image with a VAE.</summary>
    /// <remarks>Send a PNG or JPEG as the body. It is centre-cropped, resized to the model's resolution (and made gray for a
    /// grayscale model), encoded to its posterior mean and decoded: the reply is the reconstruction as PNG.</remarks>
    /// <param name="id">Model id (a <c>vae</c> or <c>cvae</c>).</param>
    /// <param name="label">The image's class (cvae models; default 0).</param>
    /// <param name="scale">Integer upscaling of the reply, 1…8 (default 1).</param>
    /// <response code="200">The reconstruction.</response>
    /// <response code="400">The body is not an image, or the model cannot reconstruct.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> ReconstructImage(
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
        using var image = await ImageBody.ReadAsync(request, model, limits.Value.MaxImagePixels, errors, cancellation);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The reconstruction request is invalid.", type: Problems.InvalidRequest);
        var png = await Task.Run(() => sampler.Reconstruct(model, image!, label, scale ?? 1), cancellation);
        return TypedResults.File(png, "image/png");
    }
}
