using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Tests.Families;

/// <summary>The registry is the one place a family's rules live: the API's validation and documentation follow it.</summary>
public sealed class FamilyRegistryTests
{
    // A value of the right type for every family-specific field, so a 400 can only be about whether the field applies. A declared
    // setting with bounds or a closed set has one from its declaration; only the others are listed.
    private static readonly Dictionary<string, object> Listed = new()
    {
        [JobFields.OptimizerD] = new { lr = 0.001 }, [JobFields.LatentDim] = 8, [JobFields.DomainA] = "circle", [JobFields.DomainB] = "square",
        [JobFields.SpectralNorm] = true, [JobFields.ImageSize] = 28, [JobFields.Resize] = true, [JobFields.BaseChannels] = 8,
        [JobFields.HiddenSize] = 16, [JobFields.Layers] = 2, [JobFields.Cell] = "lstm", [JobFields.Bidirectional] = false, [JobFields.SequenceLength] = 28,
        [JobFields.InputDropout] = 0.25, [JobFields.FreezeD] = 1,
    };

    private static object? Valid(string field) => Listed.TryGetValue(field, out var value) ? value : TrainingFields.Find(field) switch
    {
        { Declared.Values: { } values } f => f.Property.PropertyType == typeof(string) ? values[^1] : new[] { values[^1] },
        { Declared.Min: var min } f when !double.IsNaN(min) => f.Property.PropertyType == typeof(int) ? (object)((int)min + 1) : min + (f.Declared.Max - min) / 4,
        _ => null,
    };

    /// <summary>A value out of <paramref name="field"/>'s declared bounds or set, or null where it declares none.</summary>
    private static object? Invalid(TrainingField field) => field.Declared switch
    {
        { Values: not null } => field.Property.PropertyType == typeof(string) ? "no-such-value" : new[] { "no-such-value" },
        { Max: var max } when !double.IsNaN(max) => field.Property.PropertyType == typeof(int) ? (object)((int)max + 1) : max + 1,
        _ => null,
    };

    [Fact]
    public void Registry_NamesEveryFamilyOnce_AndEveryFamilyRebuildsItsPublishedNetworks()
    {
        Assert.Equal(ModelFamilies.Names.Distinct(), ModelFamilies.Names);
        Assert.All(JobFields.All, f => Assert.True(Valid(f) is not null, $"{f} has no valid value: list one, or declare its bounds."));
        // A name kept in code for a declared setting is that setting's field.
        var names = typeof(JobFields).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
        Assert.All(names, n => Assert.Contains(n, JobFields.All));
        Assert.Equal(JobFields.All.Distinct(), JobFields.All);
        foreach (var family in ModelFamilies.All)
        {
            Assert.All(family.Fields, f => Assert.Contains(f, JobFields.All));
            var config = family.Name == "cyclegan" ? CycleGanTests.Tiny()
                : family.Sequences ? RecurrentVaeTests.Tiny(classes: family.Conditional ? 3 : 0)
                : new ModelConfig(28, 1, 8, 8, family.Name, family.Conditional ? 3 : 0);
            foreach (var file in family.ModelFiles)
                using (var network = family.CreateNetwork(config, file))
                    Assert.NotEmpty(network.parameters());
        }
    }

    [Fact]
    public async Task EveryFieldAFamilyDoesNotTake_IsA400ForIt_AndEveryFieldItTakes_IsNot()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        foreach (var family in ModelFamilies.All)
        {
            var body = new Dictionary<string, object> { ["model"] = family.Name, ["dataset"] = "synthetic", ["steps"] = 0 };
            foreach (var field in JobFields.All) body[field] = Valid(field)!;
            var errors = await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync("/v1/jobs", body));
            // steps = 0 keeps every answer a 400 without training anything; which fields apply is the registry's rule alone.
            Assert.Contains("steps", errors.Keys);
            foreach (var field in JobFields.All)
            {
                var notApplicable = errors.TryGetValue(field, out var messages) && messages.Any(m => m.Contains($"does not apply to {family.Name}"));
                Assert.True(notApplicable != family.Fields.Contains(field), $"{family.Name}.{field}: {string.Join(" ", messages ?? [])}");
            }
        }
    }

    [Fact]
    public async Task TheDocument_ListsEveryFamily_AndWhichFamiliesEachFieldIsFor()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var document = await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json");
        foreach (var family in ModelFamilies.All) Assert.Contains($"- `{family.Name}`: ", document);
        var text = document.Replace("\\u0060", "`").Replace("\\u03B2", "β");
        Assert.Contains("Applies to: `cyclegan`; a 400 for the other families.", text);
        // The optimizers' defaults are the registry's, per family, not a hand-written list.
        Assert.Contains("- `wgan-gp`: adam, lr 0.0001, β1 0, β2 0.9", text);
        foreach (var family in ModelFamilies.All) Assert.Contains($"`{family.Name}`", string.Join("\n", GenApi.OpenApi.FamilyDocumentation.OptimizerDefaults()));
    }

    // A setting is declared once, on TrainingSettings: the request and the resolved settings carry it under its name and type,
    // and its declared bounds are a 400 naming it, for every family that takes it.
    [Fact]
    public async Task EveryDeclaredSetting_IsOneRequestAndOneResponseProperty_AndItsBoundsAreA400()
    {
        foreach (var field in TrainingFields.All)
        {
            var type = field.Property.PropertyType;
            var nullable = type.IsValueType ? typeof(Nullable<>).MakeGenericType(type) : type;
            Assert.Equal(nullable, FieldBinding.Of(typeof(CreateJobRequest))[field.Name].PropertyType);
            Assert.Equal(nullable, FieldBinding.Of(typeof(HyperparametersResponse))[field.Name].PropertyType);
            Assert.Contains(field.Name, JobFields.All);
            Assert.Contains(ModelFamilies.All, f => f.Fields.Contains(field.Name));
        }

        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var checkedAny = 0;
        foreach (var field in TrainingFields.All)
        {
            if (Invalid(field) is not { } invalid) continue;
            var family = ModelFamilies.All.First(f => f.Fields.Contains(field.Name) && f.Name != "wgan-gp");
            var body = new Dictionary<string, object> { ["model"] = family.Name, ["dataset"] = family.Sequences ? "synthetic-sequences" : "synthetic", [field.Name] = invalid };
            var errors = await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync("/v1/jobs", body));
            Assert.True(errors.ContainsKey(field.Name), $"{family.Name}.{field.Name} = {invalid}: {string.Join(" ", errors.Keys)}");
            checkedAny++;
        }
        Assert.True(checkedAny >= 15, $"only {checkedAny} declared settings have bounds or a closed set");
    }
}
