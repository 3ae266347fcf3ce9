using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Worker.Compute;
using GenApi.Worker.Contracts;

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

    [Fact]
    public async Task Bf16Job_TrainsThroughTheApi_ShowsItsPrecision_AndWarnsWhereTheCpuEmulatesIt()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, new { model = "cdcgan", dataset = "synthetic", steps = 4, batchSize = 16, baseChannels = 8, latentDim = 16,
            checkpointEvery = 4, sampleEvery = 4, precision = "bf16", spectralNorm = true, loss = "hinge" });
        Assert.Equal("bf16", job.Hyperparameters.Precision);
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Succeeded, done.Status);
        var samples = await client.GetAsync($"/v1/models/{done.ModelId}/samples.png?count=4&label=1");
        Assert.Equal(System.Net.HttpStatusCode.OK, samples.StatusCode);
        var warned = (await GenApiFactory.EventsAsync(client, job.Id)).Any(e => e.Kind == "warning" && e.Message.Contains("precision bf16"));
        Assert.Equal(!PrecisionSupport.IsNative("bf16", TorchSharp.torch.CPU), warned);

        var fp32 = (await app.PostJobAsync(client, new { dataset = "synthetic", steps = 1, baseChannels = 8 })).Hyperparameters;
        Assert.Equal("fp32", fp32.Precision);
        var refused = await client.PostAsJsonAsync("/v1/jobs", new { model = "vae", dataset = "synthetic", precision = "bf16" });
        Assert.Contains("precision does not apply to vae", (await BadInputTests.ValidationErrorsAsync(refused))["precision"][0]);
        var unknown = await client.PostAsJsonAsync("/v1/jobs", new { dataset = "synthetic", precision = "int4", augment = new[] { "blur" } });
        Assert.Equal(["augment", "precision"], (await BadInputTests.ValidationErrorsAsync(unknown)).Keys.Order());
    }
}
