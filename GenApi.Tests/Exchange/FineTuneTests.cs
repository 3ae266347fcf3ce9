using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using SkiaSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Exchange;

/// <summary>Fine-tuning through the HTTP API: <c>initFrom</c> starts from a model's weights on another dataset, keeps what fits,
/// says what did not, records the lineage, and takes only the caller's own models.</summary>
public sealed class FineTuneTests
{
    private static readonly Dictionary<string, string> Auth = new() { ["Auth:Enabled"] = "true" };

    // Two gray 28×28 classes (light and dark squares): another dataset of the synthetic set's size and channels, and class count.
    private static byte[] TwoTones() => DatasetUploadTests.Zip(Enumerable.Range(0, 32).Select(i => (
        $"{(i % 2 == 0 ? "dark" : "light")}/{i}.png",
        DatasetUploadTests.Png(28, 28, i % 2 == 0 ? new SKColor((byte)(20 + i), (byte)(20 + i), (byte)(20 + i)) : new SKColor((byte)(200 + i), (byte)(200 + i), (byte)(200 + i))))).ToArray());

    private static async Task<JobResponse> FinishAsync(GenApiFactory app, HttpClient client, object body)
    {
        var done = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, body)).Id, TimeSpan.FromMinutes(2));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status}: {done.Error}");
        return done;
    }

    private static async Task<Dictionary<string, Tensor>> WeightsAsync(HttpClient client, string model)
    {
        var bytes = await client.GetByteArrayAsync($"/v1/models/{model}/weights.safetensors");
        return TorchSharp.PyBridge.Safetensors.LoadStateDict(new MemoryStream(bytes));
    }

    [Fact]
    public async Task InitFrom_StartsFromTheParentsWeights_OnAnotherDataset_TwiceInARow_AndOnlyForItsOwner()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Auth);
        var admin = app.CreateClient();
        var (owner, other) = (await app.ClientForTeamAsync(admin, "tuners"), await app.ClientForTeamAsync(admin, "others"));
        var parent = await FinishAsync(app, owner, new
        {
            model = "cdcgan", dataset = "synthetic", steps = 6, batchSize = 8, seed = 3, baseChannels = 8, latentDim = 16, checkpointEvery = 6, sampleEvery = 6,
        });
        var upload = await DatasetUploadTests.UploadAsync(owner, TwoTones(), "two-tones");
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var tones = (await upload.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!.Id;

        // Fine-tune, then fine-tune the fine-tuned model: each starts from its parent's weights. A learning rate of 1e-9 moves
        // Adam's weights by about 1e-9 a step, so whatever was copied stays within 1e-6 of the parent's; a fresh init would not.
        var source = parent.ModelId!;
        for (var round = 0; round < 2; round++)
        {
            var child = await FinishAsync(app, owner, new
            {
                initFrom = source, dataset = tones, steps = 2, batchSize = 8, seed = 11 + round, checkpointEvery = 2, sampleEvery = 2,
                learningRate = 1e-9, freezeD = 1,
            });
            Assert.Equal((source, 1), (child.Hyperparameters.InitFrom, child.Hyperparameters.FreezeD));
            Assert.Equal(("cdcgan", 28, 16, 8), (child.Model, child.Hyperparameters.ImageSize, child.Hyperparameters.LatentDim, child.Hyperparameters.BaseChannels));
            var events = await owner.GetFromJsonAsync<PageResponse<JobEventResponse>>($"/v1/jobs/{child.Id}/events?limit=100", GenApiFactory.Json);
            var initialized = Assert.Single(events!.Data, e => e.Kind == "initialized").Message;
            Assert.Contains(source, initialized);
            Assert.Contains("first 1 block(s) are frozen", initialized);

            var card = (await owner.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{child.ModelId}/card", GenApiFactory.Json))!;
            Assert.Equal((ModelOrigin.FineTuned, source, child.Id, 1), (card.Lineage.Kind, card.Lineage.ParentModelId, card.Lineage.JobId, card.Lineage.FreezeD));
            Assert.NotNull(card.Lineage.ParentCheckpoint);   // the parent's job kept its checkpoint: D came from it
            var model = (await owner.GetFromJsonAsync<ModelResponse>($"/v1/models/{child.ModelId}", GenApiFactory.Json))!;
            Assert.Equal((source, 2, tones), (model.ParentModelId, model.Classes, model.Dataset));

            // From 3 classes to 2: only the label layers changed shape (G's embedding; D's label planes, its input channels after the
            // image's); they, and nothing else, start fresh.
            var fresh = card.Lineage.Reinitialized!;
            Assert.Equal(round == 0 ? ["discriminator.pt/_features.from_image.weight[:, 1:]", "generator.pt/_labels.weight"] : [], fresh.Order().ToList());
            var (before, after) = (await WeightsAsync(owner, source), await WeightsAsync(owner, child.ModelId!));
            var compared = 0;
            foreach (var (name, weight) in after.Where(w => !w.Key.Contains("running_") && !w.Key.Contains("num_batches")))
            {
                if (fresh.Contains(name.Replace("generator.", "generator.pt/", StringComparison.Ordinal))) continue;
                Assert.True(before[name].allclose(weight, rtol: 0, atol: 1e-6), $"{name} moved away from the parent's weights");
                compared++;
            }
            Assert.True(compared >= 6, $"only {compared} tensors compared");

            // The owner's alone: another team cannot start from it, or see what was made from it.
            var refused = await BadInputTests.ValidationErrorsAsync(await other.PostAsJsonAsync("/v1/jobs", new { initFrom = child.ModelId, dataset = "synthetic", steps = 2 }));
            Assert.Contains("No model of yours", refused["initFrom"][0]);
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/v1/models/{child.ModelId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{child.ModelId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/jobs/{child.Id}")).StatusCode);
            source = child.ModelId!;
        }
    }

    [Fact]
    public async Task BadInitFrom_IsA400NamingEveryField_AndStartsNothing()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var parent = await FinishAsync(app, client, new
        {
            model = "dcgan", dataset = "synthetic", steps = 2, batchSize = 8, baseChannels = 8, latentDim = 16, checkpointEvery = 2, sampleEvery = 2,
        });
        async Task<Dictionary<string, string[]>> Refused(object body) => await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync("/v1/jobs", body));

        var mismatched = await Refused(new { initFrom = parent.ModelId, dataset = "synthetic", model = "vae", imageSize = 32, latentDim = 8, baseChannels = 16, steps = 2 });
        Assert.Contains("model", mismatched.Keys);
        Assert.Contains("imageSize", mismatched.Keys);
        Assert.Contains("baseChannels", mismatched.Keys);
        Assert.Contains("the weights in initFrom have", mismatched["baseChannels"][0]);
        var both = await Refused(new { initFrom = parent.ModelId, resumeFrom = parent.Id, dataset = "synthetic", steps = 4 });
        Assert.Contains("give one of them", both["initFrom"][0]);
        Assert.Contains("No model of yours", (await Refused(new { initFrom = "model_nope", dataset = "synthetic" }))["initFrom"][0]);
        Assert.Contains("No job of yours", (await Refused(new { initFrom = "job_nope/checkpoints/3", dataset = "synthetic" }))["initFrom"][0]);
        Assert.Contains("needs initFrom", (await Refused(new { model = "dcgan", dataset = "synthetic", freezeD = 1 }))["freezeD"][0]);
        Assert.Contains("between 0 and 2", (await Refused(new { initFrom = parent.ModelId, dataset = "synthetic", freezeD = 3 }))["freezeD"][0]);
        Assert.Contains("does not apply to vae", (await Refused(new { model = "vae", dataset = "synthetic", freezeD = 1 }))["freezeD"][0]);
        var rgb = await DatasetUploadTests.UploadAsync(client, DatasetUploadTests.Zip(Enumerable.Range(0, 4)
            .Select(i => ($"{i}.png", DatasetUploadTests.Png(28, 28, new SKColor(200, 20, (byte)(10 * i))))).ToArray()), "rgb");
        var rgbId = (await rgb.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!.Id;
        Assert.Contains("3-channel", (await Refused(new { initFrom = parent.ModelId, dataset = rgbId }))["dataset"][0]);
        // A checkpoint is a source too, and holds the discriminator freezeD needs.
        var fromCheckpoint = await FinishAsync(app, client, new { initFrom = $"{parent.Id}/checkpoints/2", dataset = "synthetic", steps = 2, batchSize = 8, freezeD = 2 });
        Assert.Equal($"{parent.Id}/checkpoints/2", fromCheckpoint.Hyperparameters.InitFrom);
        Assert.Empty((await client.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{fromCheckpoint.ModelId}/card", GenApiFactory.Json))!.Lineage.Reinitialized!);

        var jobs = await client.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs?limit=100", GenApiFactory.Json);
        Assert.Equal(2, jobs!.Data.Count);
    }
}
