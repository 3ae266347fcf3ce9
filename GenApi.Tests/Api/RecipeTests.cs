using System.Net.Http.Json;
using GenApi.Contracts;

namespace GenApi.Tests.Api;

/// <summary>Presets resolve to their documented values under what the request sets; augmentation policies are checked.</summary>
public sealed class RecipeTests
{
    [Fact]
    public async Task FastPreset_ResolvesToItsLearningRates_ExplicitFieldsOverrideIt_AndOtherFamiliesRefuseIt()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var fast = (await app.PostJobAsync(client, new { dataset = "synthetic", steps = 1, baseChannels = 8, preset = "fast" })).Hyperparameters;
        Assert.Equal(("fast", 8e-4, 8e-4, 0.5), (fast.Preset, fast.OptimizerG.Lr, fast.OptimizerD!.Lr, fast.OptimizerG.Beta1));
        var paper = (await app.PostJobAsync(client, new { dataset = "synthetic", steps = 1, baseChannels = 8 })).Hyperparameters;
        Assert.Equal(("paper", 2e-4, 2e-4), (paper.Preset, paper.OptimizerG.Lr, paper.OptimizerD!.Lr));
        var overridden = (await app.PostJobAsync(client, new { dataset = "synthetic", steps = 1, baseChannels = 8, preset = "fast", optimizerD = new { lr = 1e-4 } })).Hyperparameters;
        Assert.Equal((8e-4, 1e-4), (overridden.OptimizerG.Lr, overridden.OptimizerD!.Lr));

        var refused = await client.PostAsJsonAsync("/v1/jobs", new { model = "vae", dataset = "synthetic", preset = "fast", augment = new[] { "color" } });
        var errors = await BadInputTests.ValidationErrorsAsync(refused);
        Assert.Contains("vae has the presets paper, not 'fast'", errors["preset"][0]);
        Assert.Contains("augment does not apply to vae", errors["augment"][0]);
        var bad = await client.PostAsJsonAsync("/v1/jobs", new { dataset = "synthetic", preset = "slow", augment = new[] { "blur", "color" } });
        Assert.Equal(["augment", "preset"], (await BadInputTests.ValidationErrorsAsync(bad)).Keys.Order());
    }
}
