using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Api;

/// <summary>Every family, with a spread of its knobs, trained through the HTTP API and sampled.</summary>
public sealed class ModelFamiliesTests
{
    private static Dictionary<string, object?> Tiny(string model, int steps = 6) => new()
    {
        ["model"] = model, ["dataset"] = "synthetic", ["steps"] = steps, ["batchSize"] = 16, ["seed"] = 3,
        ["baseChannels"] = 8, ["latentDim"] = 16, ["checkpointEvery"] = Math.Min(3, steps), ["sampleEvery"] = Math.Min(3, steps),
    };

    public static TheoryData<string, string> Families => new()
    {
        { "gan", """{"loss":"lsgan","labelSmoothing":0.1,"dropout":0.3,"emaDecay":0.9,"l2":0.0001,"schedule":{"type":"cosine","warmupSteps":2,"minLr":0.00001}}""" },
        { "dcgan", """{"optimizerG":{"type":"adamw","weightDecay":0.01},"lrScaling":"sqrt","schedule":{"type":"exponential","timeConstant":3}}""" },
        { "cdcgan", """{"loss":"hinge","instanceNoise":0.1,"accumulateSteps":2,"clipGradNorm":1.0,"optimizerD":{"type":"rmsprop","lr":0.001,"momentum":0.5}}""" },
        { "wgan-gp", """{"nCritic":2,"schedule":{"type":"step","stepSize":2,"gamma":0.5}}""" },
        { "vae", """{"reconstruction":"mse","klWeight":0.5,"emaDecay":0.5,"l1":0.00001,"optimizerG":{"type":"sgd","lr":0.001,"momentum":0.9,"nesterov":true}}""" },
        { "cvae", """{"accumulateSteps":2,"optimizerG":{"type":"adagrad","lr":0.01},"schedule":{"type":"polynomial","power":2}}""" },
        { "dcgan", """{"spectralNorm":true,"r1":1.0,"r1Interval":2,"loss":"hinge","beta1":0}""" },
        { "dcgan", """{"preset":"fast","augment":["color","translation","cutout"],"accumulateSteps":2}""" },
        { "gan", """{"augment":["translation","cutout"],"nCritic":2}""" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task EveryFamily_TrainsThroughTheApi_AndItsModelSamples(string family, string knobs)
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var body = Tiny(family);
        foreach (var (key, value) in System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(knobs)!) body[key] = value;
        var job = await app.PostJobAsync(client, body);
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(90));
        Assert.True(done.Status == JobStatus.Succeeded, $"{family}: {done.Status} {done.Error}");
        Assert.True(double.IsFinite(done.LossD!.Value) && double.IsFinite(done.LossG!.Value));

        var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
        Assert.Equal(family, model.Family);
        var conditional = family is "cdcgan" or "cvae";
        Assert.Equal(conditional ? 3 : null, model.Classes);
        Assert.Equal(knobs.Contains("emaDecay"), model.Ema);
        Assert.Equal(family is "vae" or "cvae", model.Reconstructs);

        var grid = await client.GetAsync($"/v1/models/{model.Id}/samples.png?count=6&nrow=3&seed=1");
        Assert.Equal(HttpStatusCode.OK, grid.StatusCode);
        using (var image = SKBitmap.Decode(await grid.Content.ReadAsByteArrayAsync()))
            Assert.Equal((3 * 28 + 4 * 2, 2 * 28 + 3 * 2), (image.Width, image.Height));
        Assert.Equal(conditional ? HttpStatusCode.OK : HttpStatusCode.BadRequest, (await client.GetAsync($"/v1/models/{model.Id}/samples.png?label=2")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/v1/models/{model.Id}/samples.png?label=3")).StatusCode);
        Assert.Equal(model.Ema ? HttpStatusCode.OK : HttpStatusCode.BadRequest, (await client.GetAsync($"/v1/models/{model.Id}/samples.png?ema=true")).StatusCode);
        if (model.Ema)
        {
            // EMA by default; the raw generator on request: different images.
            var ema = await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?seed=1");
            var raw = await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?seed=1&ema=false");
            Assert.Equal(ema, await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?seed=1&ema=true"));
            Assert.NotEqual(ema, raw);
        }

        var reconstruct = await client.PostAsync($"/v1/models/{model.Id}/reconstruct?scale=2",
            new ByteArrayContent(await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples/0.png?seed=4")));
        if (model.Reconstructs)
        {
            Assert.Equal(HttpStatusCode.OK, reconstruct.StatusCode);
            using var image = SKBitmap.Decode(await reconstruct.Content.ReadAsByteArrayAsync());
            // One 28×28 image, doubled, no border.
            Assert.Equal((56, 56), (image.Width, image.Height));
            var garbage = await client.PostAsync($"/v1/models/{model.Id}/reconstruct", new ByteArrayContent("not an image"u8.ToArray()));
            Assert.Contains("body", (await BadInputTests.ValidationErrorsAsync(garbage)).Keys);
        }
        else Assert.Equal(HttpStatusCode.BadRequest, reconstruct.StatusCode);
    }

    [Fact]
    public async Task ResumeFrom_ContinuesAJob_ExactlyAsIfItWereNeverInterrupted()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var body = Tiny("dcgan", steps: 12);
        body["emaDecay"] = 0.8;
        body["schedule"] = new { type = "linear", endLr = 0.00005 };
        var whole = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, body)).Id, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Succeeded, whole.Status);

        // Same request, no seed: the source job's seed is used.
        body.Remove("seed");
        body["resumeFrom"] = $"{whole.Id}/checkpoints/6";
        var resumed = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, body)).Id, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Succeeded, resumed.Status);
        Assert.Equal(whole.Hyperparameters.Seed, resumed.Hyperparameters.Seed);
        Assert.Contains(await GenApiFactory.EventsAsync(client, resumed.Id), e => e.Kind == "resumed" && e.Message.Contains($"continues job {whole.Id}"));

        Assert.Equal(await client.GetByteArrayAsync($"/v1/models/{whole.ModelId}/samples.png?seed=9"),
            await client.GetByteArrayAsync($"/v1/models/{resumed.ModelId}/samples.png?seed=9"));
        Assert.Equal(await client.GetByteArrayAsync($"/v1/models/{whole.ModelId}/samples.png?seed=9&ema=false"),
            await client.GetByteArrayAsync($"/v1/models/{resumed.ModelId}/samples.png?seed=9&ema=false"));

        // A model id resumes from the checkpoint it was taken at.
        body["resumeFrom"] = whole.ModelId;
        body["steps"] = 14;
        var further = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, body)).Id, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Succeeded, further.Status);
        Assert.Equal(14, further.Progress.Step);
    }

    [Fact]
    public async Task ResumeFrom_ThatCannotWork_Returns400ForEachMismatch()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var source = await app.TrainTinyAsync(client, steps: 10);
        var body = Tiny("dcgan", steps: 5);
        body["baseChannels"] = 16;
        body["resumeFrom"] = source.Id;
        var response = await client.PostAsJsonAsync("/v1/jobs", body);
        var errors = await BadInputTests.ValidationErrorsAsync(response);
        Assert.Contains("baseChannels", errors.Keys);
        Assert.Contains("steps", errors.Keys);

        body["resumeFrom"] = "job_missing/checkpoints/3";
        Assert.Contains("resumeFrom", (await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync("/v1/jobs", body))).Keys);
    }

    [Fact]
    public async Task AnAbsurdLearningRate_FailsTheJob_WithAReadableReason()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var body = Tiny("gan", steps: 50);
        body["loss"] = "lsgan";
        body["optimizerG"] = new { type = "sgd", lr = 10 };
        body["optimizerD"] = new { type = "sgd", lr = 10 };
        var done = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, body)).Id, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Matches(@"^loss [DG] became (NaN|infinite) (at step \d+|between steps \d+ and \d+); try a lower learning rate\.$", done.Error);
        Assert.Null(done.ModelId);
    }

    [Fact]
    public async Task Cifar10AndMnist_TrainThroughTheApi_AtTheirOwnOrAResizedResolution()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string>
        {
            ["Datasets:Cifar10Path"] = Datasets.DatasetTests.WriteCifar10(8), ["Datasets:MnistPath"] = Datasets.DatasetTests.WriteMnist(40),
        });
        var client = app.CreateClient();
        foreach (var (dataset, size, channels) in new[] { ("cifar10", (int?)null, 3), ("mnist", 32, 1) })
        {
            var body = Tiny("dcgan", steps: 2);
            body["dataset"] = dataset;
            body["batchSize"] = 8;
            if (size is not null) body["imageSize"] = size;
            var posted = await client.PostAsJsonAsync("/v1/jobs", body);
            Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
            var job = (await posted.Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!;
            var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60));
            Assert.True(done.Status == JobStatus.Succeeded, done.Error);
            var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
            Assert.Equal((32, channels), (model.ImageSize, model.Channels));
        }
    }
}
