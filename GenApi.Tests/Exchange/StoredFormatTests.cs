using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using GenApi.Worker.Models;

namespace GenApi.Tests.Exchange;

/// <summary>Stored models are safetensors; models stored before them (TorchSharp's format) still sample, export and fine-tune,
/// and sample the same bytes as the same weights in safetensors.</summary>
public sealed class StoredFormatTests
{
    [Fact]
    public async Task ModelsAreStoredAsSafetensors_AndOldTorchSharpModelsStillSampleExportAndFineTune()
    {
        var data = TestPaths.NewScratch();
        string model;
        byte[] samples, export;
        ModelConfig config;
        await using (var before = new GenApiFactory(data))
        {
            var client = before.CreateClient();
            var job = await GenApiFactory.WaitForFinishAsync(client, (await before.PostJobAsync(client, new
            {
                model = "dcgan", dataset = "synthetic", steps = 4, batchSize = 8, baseChannels = 8, latentDim = 16, emaDecay = 0.9, checkpointEvery = 4, sampleEvery = 4,
            })).Id, TimeSpan.FromMinutes(2));
            Assert.True(job.Status == JobStatus.Succeeded, job.Error);
            model = job.ModelId!;
            samples = await client.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=16&seed=5");
            export = await client.GetByteArrayAsync($"/v1/models/{model}/weights.safetensors");
            config = (await GenApiFactory.EmbeddedStore(data).GetModelAsync(model))!.Config;
        }

        // What it stored is safetensors; rewrite it as a model published before them was: TorchSharp's module.save.
        var family = ModelFamilies.Get("dcgan");
        var folder = Path.Combine(data, "models", model);
        Assert.Equal(["generator-ema.pt", "generator.pt"], Directory.GetFiles(folder, "*.pt").Select(Path.GetFileName).Order().ToList());
        foreach (var file in Directory.GetFiles(folder, "*.pt"))
        {
            Assert.True(WeightCodec.IsSafetensors(file), $"{file} is not safetensors");
            using var network = family.CreateNetwork(config, Path.GetFileName(file));
            WeightCodec.Load(network, file);
            network.save(file);
            Assert.False(WeightCodec.IsSafetensors(file));
        }

        // A fresh process (no cached network) reads the old files: the same samples, the same export; and fine-tunes from them,
        // twice, since a process reads many models.
        await using var after = new GenApiFactory(data);
        var again = after.CreateClient();
        Assert.Equal(samples, await again.GetByteArrayAsync($"/v1/models/{model}/samples.png?count=16&seed=5"));
        Assert.Equal(export, await again.GetByteArrayAsync($"/v1/models/{model}/weights.safetensors"));
        for (var round = 0; round < 2; round++)
        {
            var tuned = await GenApiFactory.WaitForFinishAsync(again, (await after.PostJobAsync(again, new
            {
                initFrom = model, dataset = "synthetic", steps = 2, batchSize = 8, seed = round, checkpointEvery = 2, sampleEvery = 2, emaDecay = 0.9,
            })).Id, TimeSpan.FromMinutes(2));
            Assert.True(tuned.Status == JobStatus.Succeeded, tuned.Error);
            var card = (await again.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{tuned.ModelId}/card", GenApiFactory.Json))!;
            Assert.Empty(card.Lineage.Reinitialized!);
            Assert.Equal(HttpStatusCode.OK, (await again.GetAsync($"/v1/models/{tuned.ModelId}/samples.png")).StatusCode);
        }
    }
}
