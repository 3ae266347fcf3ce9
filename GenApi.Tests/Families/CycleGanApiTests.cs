using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Families;

/// <summary>CycleGAN end to end through the HTTP API: training with evaluation, translate, translations.png, and who may use them.</summary>
public sealed class CycleGanApiTests
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Evaluation:Samples"] = "200", ["Evaluation:ClassifierEpochs"] = "2", ["Auth:Enabled"] = "true",
    };

    public static Dictionary<string, object?> TinyTranslation(int steps = 6) => new()
    {
        ["model"] = "cyclegan", ["dataset"] = "synthetic", ["domainA"] = "square", ["domainB"] = "circle", ["steps"] = steps, ["batchSize"] = 8,
        ["seed"] = 3, ["baseChannels"] = 8, ["checkpointEvery"] = 3, ["sampleEvery"] = 3, ["evaluate"] = true, ["emaDecay"] = 0.9, ["poolSize"] = 10,
    };

    [Fact]
    public async Task CycleGan_TrainsWithEvaluation_Translates_AndServesTranslations_ToItsTeamOnly()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Settings);
        var admin = app.CreateClient();
        var owner = await app.ClientForTeamAsync(admin, "translators");
        var other = await app.ClientForTeamAsync(admin, "others");
        var job = await app.PostJobAsync(owner, TinyTranslation());
        Assert.Equal(("square", "circle", 10.0, 5.0, 10), (job.Hyperparameters.DomainA, job.Hyperparameters.DomainB,
            job.Hyperparameters.CycleWeight, job.Hyperparameters.IdentityWeight, job.Hyperparameters.PoolSize));
        Assert.Equal((0.5, "linear"), (job.Hyperparameters.Schedule.HoldFraction, job.Hyperparameters.Schedule.Type));
        Assert.Null(job.Hyperparameters.Loss);
        // The first evaluation trains the synthetic feature classifier (about a minute here).
        var done = await GenApiFactory.WaitForFinishAsync(owner, job.Id, TimeSpan.FromMinutes(4));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status} {done.Error}");

        // Scores at both checkpoints: translations against real circles, the share classified as circles, the cycle error.
        var scores = (await owner.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{job.Id}/metrics", GenApiFactory.Json))!.Evaluations;
        Assert.Equal([3, 6], scores.Select(s => s.Step));
        Assert.All(scores, s =>
        {
            Assert.True(double.IsFinite(s.FrechetDistance) && s.FrechetDistance > 0);
            Assert.InRange(s.ConditionalAccuracy!.Value, 0, 1);
            Assert.InRange(s.ReconstructionError!.Value, 0, 1);
            Assert.True(s.ReverseFrechetDistance > 0);
        });
        var events = await GenApiFactory.EventsAsync(owner, job.Id);
        Assert.Contains(events, e => e.Kind == "evaluation" && e.Message.Contains("translations square → circle") && e.Message.Contains("circle → square: FD"));
        using (var progress = SKBitmap.Decode(await owner.GetByteArrayAsync($"/v1/jobs/{job.Id}/samples.png")))
            Assert.Equal((8 * 28 + 9 * 2, 6 * 28 + 7 * 2), (progress.Width, progress.Height));

        var model = (await owner.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
        Assert.Equal(("cyclegan", true, false, "square", "circle", true), (model.Family, model.Translates, model.Reconstructs, model.DomainA, model.DomainB, model.Ema));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{model.Id}")).StatusCode);

        // Held-out sources, translations and cycles: 3 rows of count, the same bytes for the same seed.
        var grid = await owner.GetByteArrayAsync($"/v1/models/{model.Id}/translations.png?count=4&seed=9&direction=BtoA");
        using (var image = SKBitmap.Decode(grid)) Assert.Equal((4 * 28 + 5 * 2, 3 * 28 + 4 * 2), (image.Width, image.Height));
        Assert.Equal(grid, await owner.GetByteArrayAsync($"/v1/models/{model.Id}/translations.png?count=4&seed=9&direction=BtoA"));
        Assert.NotEqual(grid, await owner.GetByteArrayAsync($"/v1/models/{model.Id}/translations.png?count=4&seed=9&direction=AtoB"));
        Assert.NotEqual(grid, await owner.GetByteArrayAsync($"/v1/models/{model.Id}/translations.png?count=4&seed=9&direction=BtoA&ema=false"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{model.Id}/translations.png?seed=9")).StatusCode);

        // Round trip: a square translated to a circle and back has the model's size; scale enlarges it.
        var square = await owner.GetByteArrayAsync($"/v1/models/{model.Id}/translations.png?count=1&seed=1");
        var translated = await owner.PostAsync($"/v1/models/{model.Id}/translate?direction=AtoB&scale=2", new ByteArrayContent(square));
        Assert.Equal(HttpStatusCode.OK, translated.StatusCode);
        Assert.Equal("image/png", translated.Content.Headers.ContentType!.MediaType);
        var circle = await translated.Content.ReadAsByteArrayAsync();
        using (var image = SKBitmap.Decode(circle)) Assert.Equal((56, 56), (image.Width, image.Height));
        var back = await owner.PostAsync($"/v1/models/{model.Id}/translate?direction=BtoA", new ByteArrayContent(circle));
        using (var image = SKBitmap.Decode(await back.Content.ReadAsByteArrayAsync())) Assert.Equal((28, 28), (image.Width, image.Height));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/v1/models/{model.Id}/translate", new ByteArrayContent(circle))).StatusCode);

        // What does not apply, said field by field.
        var bad = await owner.PostAsync($"/v1/models/{model.Id}/translate?direction=sideways&scale=9", new ByteArrayContent("not an image"u8.ToArray()));
        Assert.Equal(["body", "direction", "scale"], (await BadInputTests.ValidationErrorsAsync(bad)).Keys.Order());
        Assert.Equal(["count"], (await BadInputTests.ValidationErrorsAsync(await owner.GetAsync($"/v1/models/{model.Id}/translations.png?count=65"))).Keys);
        Assert.Equal(["id"], (await BadInputTests.ValidationErrorsAsync(await owner.GetAsync($"/v1/models/{model.Id}/samples.png"))).Keys);
        Assert.Contains("id", (await BadInputTests.ValidationErrorsAsync(await owner.PostAsync($"/v1/models/{model.Id}/reconstruct", new ByteArrayContent(circle)))).Keys);

        // Evaluating the published model gives the same kind of scores.
        var evaluated = await owner.PostAsync($"/v1/models/{model.Id}/evaluate", null);
        Assert.Equal(HttpStatusCode.OK, evaluated.StatusCode);
        Assert.NotNull((await evaluated.Content.ReadFromJsonAsync<ScoresResponse>(GenApiFactory.Json))!.ReconstructionError);

        // A model of another family does not translate.
        var dcgan = await app.PostJobAsync(owner, new { dataset = "synthetic", steps = 2, batchSize = 8, baseChannels = 8, latentDim = 8 });
        var dcganDone = await GenApiFactory.WaitForFinishAsync(owner, dcgan.Id, TimeSpan.FromMinutes(1));
        Assert.Equal(["id"], (await BadInputTests.ValidationErrorsAsync(await owner.PostAsync($"/v1/models/{dcganDone.ModelId}/translate", new ByteArrayContent(circle)))).Keys);
        Assert.Equal(["id"], (await BadInputTests.ValidationErrorsAsync(await owner.GetAsync($"/v1/models/{dcganDone.ModelId}/translations.png"))).Keys);
    }

    [Fact]
    public async Task CycleGan_TrainsOnAnUploadWithFoldersAAndB_AndTranslatesItsImages()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        // Dark images in A/, light ones in B/: the domains default to the first two folders.
        var entries = Enumerable.Range(0, 16).Select(i => (
            $"{(i % 2 == 0 ? "A" : "B")}/{i}.png",
            DatasetUploadTests.Png(32, 32, i % 2 == 0 ? new SKColor(20, 40, 60) : new SKColor(230, 200, 180)))).ToArray();
        var upload = await DatasetUploadTests.UploadAsync(client, DatasetUploadTests.Zip(entries), "dark-light");
        var dataset = (await upload.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        var job = await app.PostJobAsync(client, new { model = "cyclegan", dataset = dataset.Id, imageSize = 32, steps = 2, batchSize = 4, baseChannels = 4, seed = 1 });
        Assert.Equal(("A", "B"), (job.Hyperparameters.DomainA, job.Hyperparameters.DomainB));
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromMinutes(1));
        Assert.True(done.Status == JobStatus.Succeeded, done.Error);
        // No test split in an upload: the grid takes its sources from the training images.
        using var grid = SKBitmap.Decode(await client.GetByteArrayAsync($"/v1/models/{done.ModelId}/translations.png?count=3&seed=2&direction=BtoA"));
        Assert.Equal((3 * 32 + 4 * 2, 3 * 32 + 4 * 2), (grid.Width, grid.Height));
        // Nothing to score an upload against: a 400 that says so, not a 500.
        var evaluated = await client.PostAsync($"/v1/models/{done.ModelId}/evaluate", null);
        Assert.Contains("no test split", (await BadInputTests.ValidationErrorsAsync(evaluated))["id"][0]);

        var unlabelled = await DatasetUploadTests.UploadAsync(client, DatasetUploadTests.Zip(("a.png", DatasetUploadTests.Png(32, 32, SKColors.Red)), ("b.png", DatasetUploadTests.Png(32, 32, SKColors.Blue))), "flat");
        var flat = (await unlabelled.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        var refused = await client.PostAsJsonAsync("/v1/jobs", new { model = "cyclegan", dataset = flat.Id });
        Assert.Equal(["dataset"], (await BadInputTests.ValidationErrorsAsync(refused)).Keys);
    }

    [Fact]
    public async Task CycleGan_ResumesFromItsCheckpoint_AndRejectsWhatDoesNotFit()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var first = TinyTranslation(steps: 3);
        first["evaluate"] = false;
        var job = await app.PostJobAsync(client, first);
        Assert.Equal(JobStatus.Succeeded, (await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromMinutes(2))).Status);
        var more = new Dictionary<string, object?> { ["model"] = "cyclegan", ["dataset"] = "synthetic", ["resumeFrom"] = job.Id, ["steps"] = 5, ["emaDecay"] = 0.9, ["domainB"] = "cross" };
        var mismatch = await client.PostAsJsonAsync("/v1/jobs", more);
        Assert.Equal(["domainB"], (await BadInputTests.ValidationErrorsAsync(mismatch)).Keys);
        more.Remove("domainB");
        var resumed = await app.PostJobAsync(client, more);
        Assert.Equal(("square", "circle"), (resumed.Hyperparameters.DomainA, resumed.Hyperparameters.DomainB));
        Assert.Equal(JobStatus.Succeeded, (await GenApiFactory.WaitForFinishAsync(client, resumed.Id, TimeSpan.FromMinutes(2))).Status);

        var wrong = await client.PostAsJsonAsync("/v1/jobs", new
        {
            model = "cyclegan", dataset = "synthetic", domainA = "triangle", domainB = "triangle", latentDim = 8, loss = "bce", cycleWeight = -1, poolSize = 5000,
        });
        Assert.Equal(["cycleWeight", "domainA", "domainB", "latentDim", "loss", "poolSize"], (await BadInputTests.ValidationErrorsAsync(wrong)).Keys.Order());
    }
}
