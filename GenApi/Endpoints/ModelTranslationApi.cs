using System.Security.Claims;
using GenApi.Auth;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>Translation models (cyclegan): an image into the other domain, and grids of held-out translations.</summary>
public static class ModelTranslationApi
{
    public const int MaxTranslations = 64;

    /// <summary>The values of <c>direction</c>.</summary>
    public static IReadOnlyList<string> Directions { get; } = Enum.GetNames<TranslationDirection>();

    public static void MapModelTranslation(this RouteGroupBuilder group)
    {
        group.MapPost("/{id}/translate", TranslateImage).WithName(nameof(TranslateImage))
            .Accepts<Stream>("image/png", "image/jpeg").RendersPng(cached: false);
        group.MapGet("/{id}/translations.png", GetModelTranslations).WithName(nameof(GetModelTranslations)).RendersPng(cached: true);
    }

    /// <summary>Translate an image into the other domain.</summary>
    /// <remarks>Send a PNG or JPEG as the body. It is centre-cropped, resized to the model's resolution (and made gray for a
    /// grayscale model) and translated by the model's generator for the direction: the reply is the translation as PNG.</remarks>
    /// <param name="id">Model id (a <c>cyclegan</c>).</param>
    /// <param name="direction"><c>AtoB</c> (default) or <c>BtoA</c>: domains as in the model's <c>domainA</c> and <c>domainB</c>.</param>
    /// <param name="scale">Integer upscaling of the reply, 1…8 (default 1).</param>
    /// <param name="ema">Translate with the EMA generators (default for models trained with emaDecay) or, with false, the raw ones.</param>
    /// <response code="200">The translation.</response>
    /// <response code="400">The body is not an image, a parameter is out of range, or the model does not translate.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> TranslateImage(
        string id, [ClosedSet(typeof(ModelTranslationApi), nameof(Directions))] string? direction, int? scale, bool? ema,
        HttpRequest request, ClaimsPrincipal user, IJobStore store, ModelSampler sampler,
        Microsoft.Extensions.Options.IOptions<DatasetOptions> limits, CancellationToken cancellation)
    {
        if (await store.GetModelAsync(id, user.Team(), cancellation) is not { } model) return Problems.ModelNotFound(id);
        var errors = Check(direction, scale, out var way);
        if (!ModelFamilies.Get(model.Family).Operations.HasFlag(FamilyOperations.Translate))
            errors["id"] = [$"Model '{id}' is a {model.Family}: only {ModelFamilies.Supporting(FamilyOperations.Translate)} models translate."];
        else if (ema == true && !model.Config.Ema) errors["ema"] = ["This model was trained without an EMA of its generators (emaDecay)."];
        using var image = await ImageBody.ReadAsync(request, model, limits.Value.MaxImagePixels, errors, cancellation);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The translation request is invalid.", type: Problems.InvalidRequest);
        var png = await Task.Run(() => sampler.Translate(model, image!, way, ema, scale ?? 1), cancellation);
        return TypedResults.File(png, "image/png");
    }

    /// <summary>Translate held-out images, with their cycle reconstructions, as a PNG grid.</summary>
    /// <remarks>Top row: <c>count</c> images of the source domain, from the dataset's test split (its training split for uploads),
    /// chosen by the seed; middle row: their translations; bottom row: those translated back (the cycle). The same model and
    /// parameters always give the same bytes (<c>ETag</c>, and a long <c>Cache-Control</c> with a seed); without a seed one is
    /// drawn and echoed in <c>X-Seed</c>.</remarks>
    /// <param name="id">Model id (a <c>cyclegan</c>).</param>
    /// <param name="count">Source images, 1…64 (default 8).</param>
    /// <param name="seed">Which images, zero or positive; random when absent.</param>
    /// <param name="direction"><c>AtoB</c> (default) or <c>BtoA</c>.</param>
    /// <param name="scale">Integer upscaling, 1…8, nearest neighbour (default 1).</param>
    /// <param name="ema">Translate with the EMA generators (default for models trained with emaDecay) or, with false, the raw ones.</param>
    /// <response code="200">The PNG grid.</response>
    /// <response code="304">Unchanged since the ETag sent in If-None-Match.</response>
    /// <response code="400">A parameter is out of range, the model does not translate, or its dataset is gone.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static async Task<IResult> GetModelTranslations(
        string id, int? count, long? seed, [ClosedSet(typeof(ModelTranslationApi), nameof(Directions))] string? direction, int? scale, bool? ema,
        DatasetCatalog datasets, [AsParameters] RenderContext render)
    {
        var errors = Check(direction, scale, out var way);
        // The sources come from the model's dataset: one deleted since cannot supply them.
        if (await render.Store.GetModelAsync(id, render.User.Team(), render.Cancellation) is { } found && datasets.Problem(found.Dataset, found.Team) is { } gone)
            errors["id"] = [$"translations.png shows held-out images of the model's dataset, which is not available: {gone}"];
        if (count is < 1 or > MaxTranslations) errors["count"] = [$"count must be between 1 and {MaxTranslations}."];
        if (seed is < 0) errors["seed"] = ["seed must be zero or positive."];
        var (n, times) = (count ?? 8, scale ?? 1);
        return await ModelsApi.RenderAsync(id, seed, new SampleOptions(ema), errors, render,
            (model, s, o) => render.Sampler.RenderTranslations(model, way, n, s, o.Ema, times), $"translations:{way}:{n}:{times}", images: 3 * n, scale: times,
            FamilyOperations.Translate);
    }

    private static Dictionary<string, string[]> Check(string? direction, int? scale, out TranslationDirection way)
    {
        var errors = new Dictionary<string, string[]>();
        way = TranslationDirection.AtoB;
        if (direction is not null && !Enum.TryParse(direction, ignoreCase: false, out way) || !Enum.IsDefined(way))
            errors["direction"] = [$"direction must be one of: {string.Join(", ", Directions)}."];
        if (scale is < 1 or > 8) errors["scale"] = ["scale must be between 1 and 8."];
        return errors;
    }
}
