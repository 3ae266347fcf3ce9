using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Compression;

/// <summary>Compression end to end through the HTTP API: the job, the derived model's lineage and report, sampling it, who may, and bad input.</summary>
public sealed class CompressionApiTests
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Evaluation:Samples"] = "200", ["Evaluation:ClassifierEpochs"] = "1", ["Auth:Enabled"] = "true",
    };

    private static object Tiny(string model) => new
    {
        model, dataset = "synthetic", steps = 30, batchSize = 16, seed = 1, baseChannels = 8, latentDim = 16, checkpointEvery = 30, sampleEvery = 30,
    };

    private static async Task<JobResponse> CompressAsync(HttpClient client, string modelId, object body)
    {
        var response = await client.PostAsJsonAsync($"/v1/models/{modelId}/compress", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!;
        Assert.Equal($"/v1/jobs/{job.Id}", response.Headers.Location!.OriginalString);
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromMinutes(3));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status}: {done.Error}");
        return done;
    }

    [Fact]
    public async Task ChannelPruningWithInt8_MakesASmallerFasterModel_WithLineageAndReport_ToItsTeamOnly()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Settings);
        var admin = app.CreateClient();
        var owner = await app.ClientForTeamAsync(admin, "compressors");
        var other = await app.ClientForTeamAsync(admin, "others");
        var trained = await GenApiFactory.WaitForFinishAsync(owner, (await app.PostJobAsync(owner, Tiny("cdcgan"))).Id, TimeSpan.FromMinutes(2));
        var parent = trained.ModelId!;

        var body = new { prune = new { sparsity = 0.5, method = "channels", fineTuneSteps = 60 }, quantize = "int8" };
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/v1/models/{parent}/compress", body)).StatusCode);
        var job = await CompressAsync(owner, parent, body);
        Assert.Equal((parent, "channels", 60, "int8"), (job.ParentModelId, job.Compression!.Prune!.Method, job.Compression.Prune.FineTuneSteps, job.Compression.Quantize));
        Assert.Equal(60, job.Progress.Step);
        var events = await GenApiFactory.EventsAsync(owner, job.Id);
        Assert.Contains(events, e => e.Kind == "compression" && e.Message.Contains("baseChannels 8 → 4"));

        var model = (await owner.GetFromJsonAsync<ModelResponse>($"/v1/models/{job.ModelId}", GenApiFactory.Json))!;
        Assert.Equal((parent, "cdcgan", 3, false), (model.ParentModelId, model.Family, model.Classes, model.Ema));
        Assert.Equal(0.5, model.Compression!.Prune!.Sparsity);
        var report = model.CompressionReport!;
        // Half of every layer's channels: the first layer keeps its full input (z and the label), the others lose 3/4 of their weights.
        Assert.True(report.Derived.Parameters < report.Parent.Parameters * 0.55, $"{report.Derived.Parameters} of {report.Parent.Parameters}");
        Assert.True(report.Derived.FlopsPerSample < report.Parent.FlopsPerSample / 2.5, $"{report.Derived.FlopsPerSample} of {report.Parent.FlopsPerSample}");
        // Half the weights, a byte each instead of four.
        Assert.True(report.SizeRatio > 6, $"size ratio {report.SizeRatio}");
        Assert.True(report.Derived.LatencyP50Ms > 0 && report.Parent.LatencyP50Ms > 0 && report.SpeedUp > 0);
        Assert.Equal(("cpu", 15), (report.Device, report.LatencyRounds));
        Assert.InRange(report.Fidelity, 0, 2);
        Assert.True(report.Fidelity < report.FidelityBeforeTraining, $"fine-tuning: {report.FidelityBeforeTraining} → {report.Fidelity}");
        Assert.True(report.Parent.Quality!.FrechetDistance > 0 && report.Derived.Quality!.FrechetDistance > 0);
        Assert.NotNull(report.Derived.Quality.ConditionalAccuracy);

        // Sampled like any model; the parent is unchanged and still lists no lineage.
        using (var grid = SKBitmap.Decode(await owner.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?count=6&seed=3&nrow=3")))
            Assert.Equal((3 * 30 + 2, 2 * 30 + 2), (grid.Width, grid.Height));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/v1/models/{model.Id}/samples/2.png?seed=3&label=2")).StatusCode);
        Assert.Null((await owner.GetFromJsonAsync<ModelResponse>($"/v1/models/{parent}", GenApiFactory.Json))!.ParentModelId);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{model.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{model.Id}/samples.png?seed=3")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/jobs/{job.Id}")).StatusCode);
    }

    [Fact]
    public async Task SeveralCompressions_OfEachMethod_RunInARowInOneProcess_EachScored()
    {
        // Each job loads, measures and scores in the worker's shared state (the evaluator's classifier and reference
        // statistics): one job must not leave tensors behind that the next one finds disposed.
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Settings);
        var client = app.CreateClient();
        var trained = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, Tiny("dcgan"))).Id, TimeSpan.FromMinutes(2));
        object[] bodies =
        [
            new { quantize = "int8" },
            new { distill = new { studentBaseChannels = 4, steps = 20, batchSize = 16 } },
            new { quantize = "int8" },
            new { prune = new { sparsity = 0.5, fineTuneSteps = 10 }, quantize = "int8" },
            new { prune = new { sparsity = 0.5, method = "channels", fineTuneSteps = 10 }, quantize = "bf16" },
            new { distill = new { studentBaseChannels = 4, steps = 20, batchSize = 16 }, quantize = "fp16" },
        ];
        var parentScores = new List<double>();
        foreach (var body in bodies)
        {
            var job = await CompressAsync(client, trained.ModelId!, body);
            var report = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{job.ModelId}", GenApiFactory.Json))!.CompressionReport!;
            Assert.True(double.IsFinite(report.Derived.Quality!.FrechetDistance) && double.IsFinite(report.Fidelity));
            parentScores.Add(report.Parent.Quality!.FrechetDistance);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/models/{job.ModelId}/samples.png?seed=2")).StatusCode);
        }
        // The parent is scored against the same reference every time (up to two-thread rounding).
        Assert.True(parentScores.Max() - parentScores.Min() <= 1e-3 * parentScores.Max(), string.Join(", ", parentScores));
    }

    [Fact]
    public async Task DistilledVae_KeepsItsParentsEncoder_AndMagnitudePruningOnlyZeroesWeights()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Settings);
        var client = app.CreateClient();
        var trained = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, Tiny("vae"))).Id, TimeSpan.FromMinutes(2));

        var distilled = await CompressAsync(client, trained.ModelId!, 
            new { distill = new { studentBaseChannels = 4, steps = 50, batchSize = 16, featureWeight = 0 }, quantize = "fp16", evaluate = false });
        Assert.Equal((4, 0.0, false), (distilled.Compression!.Distill!.StudentBaseChannels, distilled.Compression.Distill.FeatureWeight, distilled.Compression.Evaluate));
        var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{distilled.ModelId}", GenApiFactory.Json))!;
        Assert.True(model.Reconstructs);
        var image = await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples/0.png?seed=1");
        var reconstructed = await client.PostAsync($"/v1/models/{model.Id}/reconstruct", new ByteArrayContent(image));
        Assert.Equal(HttpStatusCode.OK, reconstructed.StatusCode);
        using (var bitmap = SKBitmap.Decode(await reconstructed.Content.ReadAsByteArrayAsync())) Assert.Equal((28, 28), (bitmap.Width, bitmap.Height));

        var pruned = await CompressAsync(client, trained.ModelId!, new { prune = new { sparsity = 0.8, scope = "layer" }, evaluate = false });
        var report = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{pruned.ModelId}", GenApiFactory.Json))!.CompressionReport!;
        Assert.Equal(report.Parent.Parameters, report.Derived.Parameters);
        Assert.Equal(report.Parent.FlopsPerSample, report.Derived.FlopsPerSample);
        Assert.True(report.Derived.NonZeroParameters < report.Parent.Parameters * 0.3);
        // The decoder's file shrinks about 3×; the encoder, as large, is kept whole for reconstructions.
        Assert.True(report.SizeRatio > 1.25, $"size ratio {report.SizeRatio}");
        Assert.Null(report.FidelityBeforeTraining);
        Assert.Null(report.Derived.Quality);
    }

    [Fact]
    public async Task RecurrentVae_IsPrunedAndQuantized_AndSampledAsCharts_ButNotNarrowed()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Settings);
        var client = app.CreateClient();
        var trained = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, new
        {
            model = "crvae", dataset = "synthetic-sequences", steps = 6, batchSize = 16, seed = 3, latentDim = 4, hiddenSize = 16, checkpointEvery = 3, sampleEvery = 3,
        })).Id, TimeSpan.FromMinutes(2));
        var errors = await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync($"/v1/models/{trained.ModelId}/compress",
            new { distill = new { studentBaseChannels = 4 } }));
        Assert.Contains("hiddenSize", errors["distill"][0]);

        var job = await CompressAsync(client, trained.ModelId!, new { prune = new { sparsity = 0.5, fineTuneSteps = 4 }, quantize = "int8", evaluate = false });
        var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{job.ModelId}", GenApiFactory.Json))!;
        var report = model.CompressionReport!;
        Assert.Equal((trained.ModelId, 64, (long?)null), (model.ParentModelId, model.SequenceLength, report.Derived.FlopsPerSample));
        // Half the weight matrices' entries are zero; biases are kept, and in a network this small they weigh.
        Assert.True(report.Derived.NonZeroParameters < report.Parent.Parameters * 0.7 && report.SizeRatio > 2,
            $"{report.Derived.NonZeroParameters} of {report.Parent.Parameters}, {report.SizeRatio}×");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/models/{model.Id}/samples.png?count=4&seed=1&label=1")).StatusCode);
        Assert.StartsWith("sequence_id,t,value,label", await client.GetStringAsync($"/v1/models/{model.Id}/samples.csv?count=2&seed=1"));
    }

    [Fact]
    public async Task BadCompressionRequests_NameEveryProblem_AndUnknownModelsAre404()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Settings);
        var client = app.CreateClient();
        var parent = (await app.TrainTinyAsync(client, steps: 2)).ModelId;

        var errors = await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync($"/v1/models/{parent}/compress", new
        {
            prune = new { sparsity = 1.0, method = "random", fineTuneSteps = -1 },
            distill = new { studentBaseChannels = 64, pixelLoss = "l3", steps = 0 },
            quantize = "int4",
        }));
        Assert.Equal(["distill", "distill.pixelLoss", "distill.steps", "distill.studentBaseChannels", "prune.fineTuneSteps", "prune.method", "prune.sparsity", "quantize"],
            errors.Keys.Order());
        Assert.Contains("below the parent's 8", errors["distill.studentBaseChannels"][0]);

        Assert.Contains("prune", (await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync($"/v1/models/{parent}/compress", new { }))).Keys);
        errors = await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync($"/v1/models/{parent}/compress",
            new { prune = new { method = "channels", scope = "layer" } }));
        Assert.Equal(["prune.scope", "prune.sparsity"], errors.Keys.Order());
        errors = await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync($"/v1/models/{parent}/compress",
            new { prune = new { sparsity = 0.95, method = "channels" } }));
        Assert.Contains("leaves no channel", errors["prune.sparsity"][0]);
        var notFound = await client.PostAsJsonAsync("/v1/models/model_missing/compress", new { quantize = "int8" });
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType!.MediaType);
    }
}
