using System.Text.Json;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Rendering;

namespace GenApi.Endpoints;

/// <summary>A sequence sent as a request body (reconstruct): JSON <c>{"values": [[…]]}</c> or CSV, checked against the model's shape.</summary>
public static class SequenceBody
{
    /// <summary>The body's steps × features, or null with the reason in <paramref name="errors"/>["body"].</summary>
    public static async Task<float[][]?> ReadAsync(HttpRequest request, ModelRecord model, bool csv, DatasetOptions limits,
        Dictionary<string, string[]> errors, CancellationToken cancellation)
    {
        if (model.Config.Recurrent is null)
        {
            errors["body"] = [$"Model '{model.Id}' reconstructs images: send a PNG or JPEG."];
            return null;
        }
        float[][]? values;
        try
        {
            values = csv ? ReadCsv(await new StreamReader(request.Body).ReadToEndAsync(cancellation), limits)
                : (await JsonSerializer.DeserializeAsync<SequenceRequest>(request.Body, JsonSerializerOptions.Web, cancellation))?.Values;
        }
        catch (Exception error) when (error is JsonException or UploadRejectedException)
        {
            errors["body"] = [$"The body is not a sequence: {error.Message}"];
            return null;
        }
        var units = ModelSampler.UnitsOf(model.Config);
        var length = model.Config.ImageSize;
        if (values is null || values.Length != length || values.Any(step => step is null || step.Length != units.Features))
            errors["body"] = [$"The sequence must have {length} steps of {units.Features} values ({string.Join(", ", units.Names.Take(8))}{(units.Features > 8 ? ", …" : "")}): the model's sequenceLength and its dataset's features."];
        else if (values.Any(step => step.Any(v => !float.IsFinite(v))))
            errors["body"] = ["Every value must be a finite number."];
        return errors.ContainsKey("body") ? null : values;
    }

    private static float[][] ReadCsv(string text, DatasetOptions limits)
    {
        var table = SequenceCsv.Parse(new StringReader(text), new CsvLimits(limits.MaxCsvRows, limits.MaxCsvColumns, MaxSequences: 1));
        return table.Sequence(0);
    }
}
