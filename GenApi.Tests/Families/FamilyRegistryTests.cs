using System.Net.Http.Json;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Tests.Families;

/// <summary>The registry is the one place a family's rules live: the API's validation and documentation follow it.</summary>
public sealed class FamilyRegistryTests
{
    // A value of the right type for every family-specific field, so a 400 can only be about whether the field applies.
    private static readonly Dictionary<string, object> Valid = new()
    {
        [JobFields.OptimizerD] = new { lr = 0.001 }, [JobFields.LatentDim] = 8, [JobFields.Loss] = "lsgan", [JobFields.NCritic] = 2,
        [JobFields.GradientPenalty] = 1.0, [JobFields.LabelSmoothing] = 0.1, [JobFields.InstanceNoise] = 0.1, [JobFields.Dropout] = 0.1,
        [JobFields.Reconstruction] = "mse", [JobFields.KlWeight] = 0.5, [JobFields.DomainA] = "circle", [JobFields.DomainB] = "square",
        [JobFields.CycleWeight] = 5.0, [JobFields.IdentityWeight] = 1.0, [JobFields.PoolSize] = 10,
        [JobFields.SpectralNorm] = true, [JobFields.R1] = 1.0, [JobFields.R1Interval] = 4,
        [JobFields.ImageSize] = 28, [JobFields.Resize] = true, [JobFields.BaseChannels] = 8, [JobFields.KlWarmupSteps] = 10, [JobFields.FreeBits] = 0.1,
        [JobFields.HiddenSize] = 16, [JobFields.Layers] = 2, [JobFields.Cell] = "lstm", [JobFields.Bidirectional] = false, [JobFields.SequenceLength] = 28,
        [JobFields.Augment] = new[] { "color" }, [JobFields.InputDropout] = 0.25, [JobFields.Precision] = "bf16", [JobFields.FreezeD] = 1,
    };

    [Fact]
    public void Registry_NamesEveryFamilyOnce_AndEveryFamilyRebuildsItsPublishedNetworks()
    {
        Assert.Equal(ModelFamilies.Names.Distinct(), ModelFamilies.Names);
        Assert.Equal(JobFields.All.Order(), Valid.Keys.Order());
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
            foreach (var field in JobFields.All) body[field] = Valid[field];
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
        Assert.Contains("Applies to: `cyclegan`; a 400 for the other families.", document.Replace("\\u0060", "`"));
    }
}
