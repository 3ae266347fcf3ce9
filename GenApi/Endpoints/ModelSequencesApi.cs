using System.Security.Claims;
using System.Text;
using System.Text.Json;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using GenApi.Worker.Rendering;

namespace GenApi.Endpoints;

/// <summary>Sequence models (rvae, crvae): samples as numbers, CSV or JSON, for teams that consume sequences programmatically.</summary>
public static class ModelSequencesApi
{
    public static void MapModelSequences(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/samples.csv", GetModelSamplesCsv).WithName(nameof(GetModelSamplesCsv)).SequenceSamples("text/csv");
        group.MapGet("/{id}/samples.json", GetModelSamplesJson).WithName(nameof(GetModelSamplesJson)).SequenceSamples("application/json");
    }

    private static RouteHandlerBuilder SequenceSamples(this RouteHandlerBuilder endpoint, string contentType)
    {
        endpoint.RequireRateLimiting(Calling.RateLimits.Rendering).ProducesProblem(StatusCodes.Status429TooManyRequests);
        if (contentType == "text/csv") endpoint.Produces(StatusCodes.Status200OK, contentType: contentType);
        else endpoint.Produces<SequenceSamplesResponse>(StatusCodes.Status200OK, contentType);
        return endpoint.Produces(StatusCodes.Status304NotModified).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>Generate sequences as CSV.</summary>
    /// <remarks>Samples 0…count−1 of the seed, the same sequences <c>samples.png</c> draws, as long-format CSV:
    /// <c>sequence_id,t,&lt;features&gt;</c> (and <c>label</c> for conditional models), values in the data's units. It is the
    /// layout <c>POST /v1/datasets</c> reads, so samples can be uploaded back. Deterministic for a seed (ETag, as <c>samples.png</c>).
    /// Served as an attachment (<c>Content-Disposition</c>), so a browser saves it rather than opening it.</remarks>
    /// <param name="id">Model id (an <c>rvae</c> or <c>crvae</c>).</param>
    /// <param name="count">Number of sequences, 1…256 (default 64).</param>
    /// <param name="seed">Noise seed, zero or positive; random when absent.</param>
    /// <param name="truncation">Truncation ψ in (0, 4]: latents beyond ±ψ are redrawn.</param>
    /// <param name="ema">Sample the EMA decoder (default for models trained with emaDecay) or, with false, the raw one.</param>
    /// <param name="label">Class of every sequence (crvae); by default sequence i is of class i mod classes.</param>
    /// <response code="200">The sequences.</response>
    /// <response code="304">Unchanged since the ETag sent in If-None-Match.</response>
    /// <response code="400">A parameter is out of range, or the model does not generate sequences.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static Task<IResult> GetModelSamplesCsv(
        string id, int? count, long? seed, double? truncation, bool? ema, int? label, [AsParameters] RenderContext render) =>
        Render(id, count, seed, truncation, ema, label, render, "text/csv",
            (samples, _) => Encoding.UTF8.GetBytes(samples.ToCsv()), $"{id}-samples.csv");

    /// <summary>Generate sequences as JSON.</summary>
    /// <remarks>The same sequences as <c>samples.csv</c> and <c>samples.png</c>, as <c>values[t][f]</c> arrays with the feature names.</remarks>
    /// <param name="id">Model id (an <c>rvae</c> or <c>crvae</c>).</param>
    /// <param name="count">Number of sequences, 1…256 (default 64).</param>
    /// <param name="seed">Noise seed, zero or positive; random when absent.</param>
    /// <param name="truncation">Truncation ψ in (0, 4]: latents beyond ±ψ are redrawn.</param>
    /// <param name="ema">Sample the EMA decoder (default for models trained with emaDecay) or, with false, the raw one.</param>
    /// <param name="label">Class of every sequence (crvae); by default sequence i is of class i mod classes.</param>
    /// <response code="200">The sequences.</response>
    /// <response code="304">Unchanged since the ETag sent in If-None-Match.</response>
    /// <response code="400">A parameter is out of range, or the model does not generate sequences.</response>
    /// <response code="404">No model of yours has this id.</response>
    public static Task<IResult> GetModelSamplesJson(
        string id, int? count, long? seed, double? truncation, bool? ema, int? label, [AsParameters] RenderContext render) =>
        Render(id, count, seed, truncation, ema, label, render, "application/json",
            (samples, usedSeed) => JsonSerializer.SerializeToUtf8Bytes(ToResponse(samples, usedSeed), JsonSerializerOptions.Web), null);

    /// <summary>The JSON form of sequences.</summary>
    public static SequenceSamplesResponse ToResponse(SequenceSamples samples, long seed) =>
        new(seed, samples.Features, samples.Values.Select((v, i) => new SequenceResponse(i, samples.Labels[i], v)).ToList());

    /// <summary>Why <paramref name="model"/> cannot answer with sequences, or null.</summary>
    public static string? NotSequential(ModelRecord model) => model.Config.Recurrent is not null ? null
        : $"Model '{model.Id}' is a {model.Family}: only {string.Join(", ", ModelFamilies.All.Where(f => f.Sequences).Select(f => f.Name))} models generate sequences; see samples.png.";

    private static Task<IResult> Render(
        string id, int? count, long? seed, double? truncation, bool? ema, int? label, RenderContext render, string contentType, Func<SequenceSamples, long, byte[]> encode, string? downloadName)
    {
        var errors = new Dictionary<string, string[]>();
        if (seed is < 0) errors["seed"] = ["seed must be zero or positive."];
        if (truncation is { } psi && (psi <= 0 || psi > 4 || !double.IsFinite(psi))) errors["truncation"] = ["truncation must be in (0, 4]."];
        if (count is < 1 or > ModelsApi.MaxSamples) errors["count"] = [$"count must be between 1 and {ModelsApi.MaxSamples}."];
        var n = count ?? 64;
        return ModelsApi.RenderAsync(id, seed, new SampleOptions(ema, label), errors, render,
            (model, s, o) => encode(render.Sampler.SampleSequences(model, o, n, s, truncation), s), $"{contentType}:{n}:{truncation}",
            images: n, scale: 1, contentType: contentType, modelError: NotSequential, downloadName: downloadName);
    }
}
