using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Contracts;
using GenApi.Hosting;
using GenApi.Worker.Contracts;
using GenApi.Worker.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace GenApi.Tests.Api;

/// <summary>The real API host with its own data directory, SQLite file and in-memory Hangfire.</summary>
public sealed class GenApiFactory(
    string dataDirectory, bool embeddedWorker = true, string? fashionMnistPath = null, string device = "cpu", string? postgres = null,
    IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>The bootstrap admin key every test host is configured with (team "").</summary>
    public const string AdminKey = "gk_test_admin_key";

    public string DataDirectory { get; } = dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Worker:Embedded", embeddedWorker.ToString());
        builder.UseSetting("Worker:Device", device);
        builder.UseSetting("Auth:AdminKey", AdminKey);
        builder.UseSetting("RateLimits:JobsPerMinute", "100000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        if (postgres is not null)
        {
            builder.UseSetting("Storage:Provider", "postgres");
            builder.UseSetting("Storage:ConnectionString", postgres);
        }
        if (fashionMnistPath is not null) builder.UseSetting("Datasets:FashionMnistPath", fashionMnistPath);
        if (services is not null) builder.ConfigureServices(services);
    }

    /// <summary>A client whose every response is checked against <c>openapi/v1.json</c> (see <see cref="Contract.ResponseContractCheck"/>).</summary>
    public new HttpClient CreateClient() =>
        CreateDefaultClient(new RedirectHandler(), new CookieContainerHandler(), new Contract.ResponseContractCheck());

    /// <summary>A client with a new API key of <paramref name="team"/>, made by <paramref name="admin"/>.</summary>
    public async Task<HttpClient> ClientForTeamAsync(HttpClient admin, string team)
    {
        var created = await admin.PostAsJsonAsync("/v1/admin/keys", new { team });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<ApiKeyResponse>(Json))!;
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Key);
        return client;
    }

    // Harmless where authentication is off; needed where it is on (PostgreSQL).
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
    }

    /// <summary>The SQLite store of an embedded-mode data directory, for looking behind the API.</summary>
    public static SqlJobStore EmbeddedStore(string dataDirectory) =>
        new(() => new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "genapi.db")}"), SqlDialect.Sqlite);

    /// <summary>A job small enough for a unit test: synthetic shapes, narrow networks.</summary>
    public static object TinyJob(int steps = 20, long seed = 1) =>
        new { model = "dcgan", dataset = "synthetic", steps, batchSize = 16, seed, baseChannels = 8, latentDim = 16, checkpointEvery = Math.Min(10, steps), sampleEvery = Math.Min(10, steps) };

    /// <summary>Runs a tiny job to completion and returns it.</summary>
    public async Task<JobResponse> TrainTinyAsync(HttpClient client, int steps = 20, long seed = 1)
    {
        var job = await PostJobAsync(client, TinyJob(steps, seed));
        var done = await WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Succeeded, done.Status);
        return done;
    }

    public async Task<JobResponse> PostJobAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/jobs", body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JobResponse>(Json))!;
    }

    /// <summary>Polls the job until <paramref name="until"/> holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<JobResponse> WaitForAsync(HttpClient client, string id, Func<JobResponse, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = (await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{id}", Json))!;
            if (until(job)) return job;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Job {id} is {job.Status} at step {job.Progress.Step} after {timeout}: {job.Error}");
            await Task.Delay(50);
        }
    }

    /// <summary>All of a job's events (following the pages).</summary>
    public static async Task<List<JobEventResponse>> EventsAsync(HttpClient client, string id)
    {
        var events = new List<JobEventResponse>();
        string? after = null;
        do
        {
            var page = (await client.GetFromJsonAsync<PageResponse<JobEventResponse>>(after is null ? $"/v1/jobs/{id}/events" : $"/v1/jobs/{id}/events?after={after}", Json))!;
            events.AddRange(page.Data);
            after = page.NextCursor;
        } while (after is not null);
        return events;
    }

    public static Task<JobResponse> WaitForFinishAsync(HttpClient client, string id, TimeSpan timeout) =>
        WaitForAsync(client, id, j => j.Status.IsFinished(), timeout);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonSetup.Apply(options);
        return options;
    }
}
