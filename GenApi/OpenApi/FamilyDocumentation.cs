using System.Text.Json.Nodes;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace GenApi.OpenApi;

/// <summary>
/// Writes the families into the job request's schema from the registry, so the document cannot drift from the engine:
/// each family's summary under <c>model</c>, and under every family-specific field the families it applies to.
/// </summary>
public sealed class FamilyDocumentation : IDocumentFilter
{
    /// <summary>A translation job that runs as it stands: squares into circles on the built-in shapes.</summary>
    public static JsonObject TranslationExample => new()
    {
        ["model"] = "cyclegan", ["dataset"] = "synthetic", ["domainA"] = "square", ["domainB"] = "circle", ["steps"] = 200, ["seed"] = 1,
    };

    /// <summary>One line per set of families that share their paper preset's optimizers, e.g. "`vae`, `cvae`: adam, lr 0.001, β1 0.9, β2 0.999".</summary>
    public static IEnumerable<string> OptimizerDefaults() => ModelFamilies.All
        .Select(f => (f.Name, Text: Describe(f.Defaults.OptimizerG, f.Fields.Contains(JobFields.OptimizerD) ? f.Defaults.OptimizerD : null)))
        .GroupBy(f => f.Text)
        .Select(g => $"- {string.Join(", ", g.Select(f => $"`{f.Name}`"))}: {g.Key}");

    private static string Describe(OptimizerSettings g, OptimizerSettings? d)
    {
        static string One(OptimizerSettings o) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{o.Type}, lr {o.LearningRate}, β1 {o.Beta1}, β2 {o.Beta2}");
        return d is null || One(d) == One(g) ? One(g) : $"G {One(g)}; D {One(d)}";
    }

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        if (document.Components?.Schemas?.TryGetValue(nameof(Contracts.CreateJobRequest), out var found) != true || found is not OpenApiSchema request) return;
        if (request.Properties?.TryGetValue("model", out var model) == true && model is OpenApiSchema modelSchema)
            modelSchema.Description += "\n\nFamilies:\n" + string.Join("\n", ModelFamilies.All.Select(f => $"- `{f.Name}`: {f.Summary}"));
        foreach (var field in JobFields.All)
        {
            if (request.Properties?.TryGetValue(field, out var property) != true || property is not OpenApiSchema schema) continue;
            var families = ModelFamilies.All.Where(f => f.Fields.Contains(field)).Select(f => $"`{f.Name}`");
            schema.Description += $" Applies to: {string.Join(", ", families)}; a 400 for the other families.";
        }
        request.Examples = [.. request.Examples ?? [], TranslationExample];
        if (document.Components.Schemas.TryGetValue(nameof(Contracts.OptimizerRequest), out var optimizer) && optimizer is OpenApiSchema optimizerSchema)
            optimizerSchema.Description += "\n\nDefaults by family (paper preset):\n" + string.Join("\n", OptimizerDefaults());
    }
}
