using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Datasets;
using GenApi.Worker.Evaluation;
using GenApi.Worker.Training;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GenApi.Tests.Evaluation;

public sealed class EvaluationTests
{
    [SkippableFact]
    public void FashionMnistClassifier_ReachesAtLeast88PercentOnTheTestSplit()
    {
        var catalog = DatasetCatalog.Create(new DatasetOptions(), TestPaths.NewScratch());
        var problem = catalog.Problem(DatasetCatalog.FashionMnist);
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Null(problem);
        Skip.If(problem is not null, problem);

        var evaluator = new Evaluator(catalog, new ArtifactPaths(TestPaths.NewScratch()),
            new TorchDevice(Options.Create(new WorkerOptions { Device = "cpu" })),
            Options.Create(new EvaluationOptions { Samples = 1000 }), NullLogger<Evaluator>.Instance,
            GenApi.Worker.Compute.Recovery.UpdateGuards.Silent);
        var (_, accuracy) = evaluator.Classifier(DatasetCatalog.FashionMnist);
        Assert.True(accuracy >= 0.88, $"test accuracy {accuracy:P1}");
    }

    // 300 samples and a quickly trained classifier: enough to test the plumbing in seconds.
    private static GenApiFactory SmallEvaluations() => new(TestPaths.NewScratch(), settings: new Dictionary<string, string>
    {
        ["Evaluation:Samples"] = "300", ["Evaluation:ClassifierEpochs"] = "2",
    });

    [Fact]
    public async Task JobWithEvaluate_ScoresEveryCheckpoint_WithTheRealDataFloor()
    {
        await using var app = SmallEvaluations();
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, new
        {
            dataset = "synthetic", steps = 40, batchSize = 16, baseChannels = 8, latentDim = 16, seed = 1, checkpointEvery = 20, evaluate = true,
        });
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromMinutes(3));
        Assert.Equal(Worker.Contracts.JobStatus.Succeeded, done.Status);

        var shown = (await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{job.Id}", GenApiFactory.Json))!;
        var scores = shown.Scores!;
        Assert.Equal((40, 300), (scores.Step, scores.Samples));
        Assert.True(scores.FrechetDistance > scores.Floor.FrechetDistance, "a 40-step model beats the real data");
        Assert.InRange(scores.Precision, 0, 1);
        Assert.InRange(scores.Recall, 0, 1);
        Assert.True(scores.ClassifierAccuracy > 0.9, $"synthetic classifier accuracy {scores.ClassifierAccuracy}");
        Assert.True(scores.ClassKl >= 0 && scores.Floor.ClassKl >= 0 && scores.Floor.ClassKl < 0.05, $"class KL {scores.ClassKl}, floor {scores.Floor.ClassKl}");
        Assert.Null(scores.ConditionalAccuracy);

        var metrics = (await client.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{job.Id}/metrics", GenApiFactory.Json))!;
        Assert.Equal([20, 40], metrics.Evaluations.Select(e => e.Step));
        var events = await GenApiFactory.EventsAsync(client, job.Id);
        Assert.Contains(events, e => e.Kind == "evaluation" && e.Message.StartsWith("training the synthetic feature classifier", StringComparison.Ordinal));
        Assert.Equal(2, events.Count(e => e.Kind == "evaluation" && e.Message.StartsWith("evaluated 300 samples", StringComparison.Ordinal)));

        // On demand, a model scores the same as the evaluation at its step.
        var onDemand = await client.PostAsync($"/v1/models/{done.ModelId}/evaluate", null);
        onDemand.EnsureSuccessStatusCode();
        var again = (await onDemand.Content.ReadFromJsonAsync<ScoresResponse>(GenApiFactory.Json))!;
        Assert.Equal(40, again.Step);
        AssertSameScore(scores.FrechetDistance, again.FrechetDistance);
        AssertSameScore(scores.Floor.FrechetDistance, again.Floor.FrechetDistance);
    }

    // The published model is the best-scoring checkpoint's: its own evaluation equals the best one of the run.
    [Fact]
    public async Task KeepBest_PublishesTheCheckpointWithTheLowestFrechetDistance()
    {
        await using var app = SmallEvaluations();
        var client = app.CreateClient();
        Assert.Contains("keepBest", (await Api.BadInputTests.ValidationErrorsAsync(
            await client.PostAsJsonAsync("/v1/jobs", new { dataset = "synthetic", keepBest = true }))).Keys);

        // A high learning rate makes late checkpoints as likely to be worse as better.
        var done = await TrainAsync(app, client, new
        {
            dataset = "synthetic", steps = 60, batchSize = 16, baseChannels = 8, latentDim = 16, seed = 3, checkpointEvery = 15,
            evaluate = true, keepBest = true, learningRate = 0.004,
        });
        Assert.True(done.Hyperparameters.KeepBest);
        var evaluations = (await client.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{done.Id}/metrics", GenApiFactory.Json))!.Evaluations;
        Assert.Equal([15, 30, 45, 60], evaluations.Select(e => e.Step));
        var best = evaluations.Where(e => e.FrechetDistance == evaluations.Min(m => m.FrechetDistance)).Last();

        var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
        Assert.Equal(best.Step, model.Steps);
        var again = (await (await client.PostAsync($"/v1/models/{done.ModelId}/evaluate", null)).Content.ReadFromJsonAsync<ScoresResponse>(GenApiFactory.Json))!;
        AssertSameScore(best.FrechetDistance, again.FrechetDistance);
        Assert.Contains(await GenApiFactory.EventsAsync(client, done.Id), e => e.Message.Contains($"publishing the checkpoint at step {best.Step}"));
    }

    // Two evaluations of one checkpoint agree to float32 reduction order (libtorch sums over 2 threads in either order);
    // another checkpoint's score differs by far more than a millionth.
    private static void AssertSameScore(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Abs(expected), $"expected {expected}, got {actual}");

    private static async Task<JobResponse> TrainAsync(GenApiFactory app, HttpClient client, object body)
    {
        var done = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, body)).Id, TimeSpan.FromMinutes(3));
        Assert.True(done.Status == Worker.Contracts.JobStatus.Succeeded, done.Error);
        return done;
    }

    [Fact]
    public async Task ConditionalModels_AreScoredForConditionalAccuracy()
    {
        await using var app = SmallEvaluations();
        var client = app.CreateClient();
        var done = await TrainAsync(app, client, new
        {
            model = "cdcgan", dataset = "synthetic", steps = 600, batchSize = 32, baseChannels = 16, latentDim = 16, seed = 1, checkpointEvery = 200, evaluate = true,
        });
        var scores = (await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{done.Id}", GenApiFactory.Json))!.Scores!;
        // Three shapes, so chance is 1/3; 600 steps of a small cDCGAN already draw the asked-for shape far more often.
        Assert.True(scores.ConditionalAccuracy > 0.6, $"conditional accuracy {scores.ConditionalAccuracy}, class KL {scores.ClassKl}");
        Assert.True(double.IsFinite(scores.ClassKl) && scores.ClassKl >= 0, $"class KL {scores.ClassKl}");
    }

    [Fact]
    public async Task Vaes_AreScoredForReconstructionAndElbo_OnTheTestSplit()
    {
        await using var app = SmallEvaluations();
        var client = app.CreateClient();
        var done = await TrainAsync(app, client, new
        {
            model = "vae", dataset = "synthetic", steps = 60, batchSize = 32, baseChannels = 8, latentDim = 8, seed = 1, checkpointEvery = 30, evaluate = true,
        });
        var metrics = (await client.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{done.Id}/metrics", GenApiFactory.Json))!;
        var (early, late) = (metrics.Evaluations[0], metrics.Evaluations[1]);
        Assert.InRange(late.ReconstructionError!.Value, 0, 1);
        Assert.True(late.Elbo < 0, $"ELBO {late.Elbo}");
        // Training raises the bound and lowers the error.
        Assert.True(late.Elbo > early.Elbo, $"ELBO {early.Elbo} → {late.Elbo}");
        Assert.True(late.ReconstructionError < early.ReconstructionError, $"MSE {early.ReconstructionError} → {late.ReconstructionError}");

        var onDemand = (await (await client.PostAsync($"/v1/models/{done.ModelId}/evaluate", null)).Content.ReadFromJsonAsync<ScoresResponse>(GenApiFactory.Json))!;
        Assert.Equal(late.Elbo!.Value, onDemand.Elbo!.Value, 3);
    }
}
