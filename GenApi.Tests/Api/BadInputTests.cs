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
    [InlineData("""{"dataset":"synthetic","learningRate":-1}""", "learningRate")]
    [InlineData("""{"dataset":"synthetic","stpes":10}""", "stpes")]
    [InlineData("""{"dataset":"synthetic",""", "body")]
    [InlineData("""[1,2]""", "body")]
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

    private static async Task<Dictionary<string, string[]>> ValidationErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://genapi.dev/problems/invalid-request", problem.GetProperty("type").GetString());
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
