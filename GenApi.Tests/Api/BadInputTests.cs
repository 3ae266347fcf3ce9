using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GenApi.Tests.Api;

public sealed class BadInputTests : IAsyncLifetime
{
    private readonly GenApiFactory _app = new(TestPaths.NewScratch(), embeddedWorker: false, fashionMnistPath: TestPaths.NewScratch());
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Theory]
    [InlineData("""{"model":"stylegan9","dataset":"synthetic"}""", "model")]
    [InlineData("""{"dataset":"imagenet"}""", "dataset")]
    [InlineData("""{"model":"dcgan"}""", "dataset")]
    [InlineData("""{"dataset":"synthetic","steps":0}""", "steps")]
    [InlineData("""{"dataset":"synthetic","steps":1000001}""", "steps")]
    [InlineData("""{"dataset":"synthetic","batchSize":0}""", "batchSize")]
    [InlineData("""{"dataset":"synthetic","batchSize":1025}""", "batchSize")]
    [InlineData("""{"dataset":"synthetic","steps":"many"}""", "steps")]
    [InlineData("""{"dataset":"synthetic","steps":"5"}""", "steps")]
    [InlineData("""{"dataset":"synthetic","learningRate":"0.001"}""", "learningRate")]
    [InlineData("""{"dataset":"synthetic","learningRate":-1}""", "learningRate")]
    [InlineData("""{"dataset":"synthetic","stpes":10}""", "stpes")]
    [InlineData("""{"dataset":"synthetic",""", "body")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"dataset":"synthetic","imageSize":30}""", "imageSize")]
    [InlineData("""{"dataset":"synthetic","imageSize":64,"resize":false}""", "imageSize")]
    [InlineData("""{"dataset":"synthetic","model":"wgan-gp","loss":"bce"}""", "loss")]
    [InlineData("""{"dataset":"synthetic","model":"wgan-gp","gradientPenalty":0}""", "gradientPenalty")]
    [InlineData("""{"dataset":"synthetic","loss":"hinge","labelSmoothing":0.1}""", "labelSmoothing")]
    [InlineData("""{"dataset":"synthetic","loss":"softmax"}""", "loss")]
    [InlineData("""{"dataset":"synthetic","model":"vae","loss":"hinge"}""", "loss")]
    [InlineData("""{"dataset":"synthetic","model":"vae","optimizerD":{"type":"sgd"}}""", "optimizerD")]
    [InlineData("""{"dataset":"synthetic","model":"dcgan","klWeight":2}""", "klWeight")]
    [InlineData("""{"dataset":"synthetic","optimizerG":{"type":"adam","momentum":0.9}}""", "optimizerG.momentum")]
    [InlineData("""{"dataset":"synthetic","optimizerG":{"type":"sgd","nesterov":true}}""", "optimizerG.nesterov")]
    [InlineData("""{"dataset":"synthetic","optimizerD":{"type":"lbfgs"}}""", "optimizerD.type")]
    [InlineData("""{"dataset":"synthetic","optimizerD":{"lr":0}}""", "optimizerD.lr")]
    [InlineData("""{"dataset":"synthetic","optimizerD":{"betas":[0.5,0.9]}}""", "optimizerD.betas")]
    [InlineData("""{"dataset":"synthetic","schedule":{"type":"cosine","gamma":0.5}}""", "schedule.gamma")]
    [InlineData("""{"dataset":"synthetic","schedule":{"type":"warp"}}""", "schedule.type")]
    [InlineData("""{"dataset":"synthetic","steps":10,"schedule":{"warmupSteps":10}}""", "schedule.warmupSteps")]
    [InlineData("""{"dataset":"synthetic","lrScaling":"cubic"}""", "lrScaling")]
    [InlineData("""{"dataset":"synthetic","accumulateSteps":0}""", "accumulateSteps")]
    [InlineData("""{"dataset":"synthetic","emaDecay":1}""", "emaDecay")]
    [InlineData("""{"dataset":"synthetic","clipGradNorm":0}""", "clipGradNorm")]
    [InlineData("""{"dataset":"synthetic","dropout":1}""", "dropout")]
    [InlineData("""{"dataset":"synthetic","nCritic":0}""", "nCritic")]
    [InlineData("""{"dataset":"synthetic","resumeFrom":"job_missing"}""", "resumeFrom")]
    [InlineData("""{"dataset":"mnist"}""", "dataset")]
    [InlineData("""{"dataset":"cifar10"}""", "dataset")]
    public async Task CreateJob_Returns400_NamingTheBadField(string body, string field)
    {
        var response = await _client.PostAsync("/v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        var errors = await ValidationErrorsAsync(response);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public async Task CreateJob_ReportsEveryBadFieldAtOnce()
    {
        var response = await _client.PostAsJsonAsync("/v1/jobs", new { model = "nope", dataset = "nope", steps = -1, batchSize = 5000 });
        var errors = await ValidationErrorsAsync(response);
        Assert.Equal(["batchSize", "dataset", "model", "steps"], errors.Keys.Order());
    }

    [Fact]
    public async Task CreateJob_ReportsEveryCombinationThatCannotWork_AtOnce()
    {
        var response = await _client.PostAsJsonAsync("/v1/jobs", new
        {
            model = "vae", dataset = "synthetic", loss = "hinge", labelSmoothing = 0.1, nCritic = 3, dropout = 0.2,
            optimizerD = new { type = "adam" }, optimizerG = new { type = "rmsprop", beta1 = 0.9 }, schedule = new { type = "step", minLr = 0.1 },
        });
        var errors = await ValidationErrorsAsync(response);
        Assert.Equal(["dropout", "labelSmoothing", "loss", "nCritic", "optimizerD", "optimizerG.beta1", "schedule.minLr"], errors.Keys.Order());
        Assert.Contains("VAE", errors["loss"][0]);
    }

    [Fact]
    public async Task CreateJob_SaysHowToInstallAnAbsentDataset()
    {
        var response = await _client.PostAsJsonAsync("/v1/jobs", new { dataset = "fashion-mnist" });
        var errors = await ValidationErrorsAsync(response);
        Assert.Contains("apt-get install dataset-fashion-mnist", errors["dataset"][0]);
    }

    [Theory]
    [InlineData("/v1/jobs/job_missing")]
    [InlineData("/v1/jobs/job_missing/samples.png")]
    [InlineData("/v1/models/model_missing")]
    [InlineData("/v1/models/model_missing/samples.png")]
    public async Task UnknownIds_Return404ProblemDetails(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("not found", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task CancelUnknownJob_Returns404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("/v1/jobs/job_missing/cancel", null)).StatusCode);
    }

    [Theory]
    [InlineData("count=0", "count")]
    [InlineData("count=257", "count")]
    [InlineData("count=many", "count")]
    [InlineData("seed=-3", "seed")]
    public async Task Samples_Return400_ForOutOfRangeParameters(string query, string field)
    {
        var errors = await ValidationErrorsAsync(await _client.GetAsync($"/v1/models/model_missing/samples.png?{query}"));
        Assert.Contains(field, errors.Keys);
    }

    internal static async Task<Dictionary<string, string[]>> ValidationErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://genapi.dev/problems/invalid-request", problem.GetProperty("type").GetString());
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
