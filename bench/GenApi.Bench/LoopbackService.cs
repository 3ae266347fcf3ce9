using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenApi.Bench;

/// <summary>The real service in embedded mode on a loopback port with its own data directory, and a client for it.</summary>
internal sealed class LoopbackService : IAsyncDisposable
{
    private LoopbackService(WebApplication app, HttpClient client) => (App, Client) = (app, client);

    public WebApplication App { get; }
    public HttpClient Client { get; }

    public static async Task<LoopbackService> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var data = Directory.CreateTempSubdirectory("genapi-bench-service");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration["Storage:DataDirectory"] = data.FullName;
        builder.Configuration["Worker:Device"] = "cpu";
        builder.Configuration["RateLimits:JobsPerMinute"] = "100000";
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGenApi();
        var app = builder.Build();
        app.UseGenApi();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackService(app, new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) });
    }

    // A dataset's classifier is trained once, in the first run of any benchmark, and copied into the others.
    private static readonly string ClassifierCache = Path.Combine(Path.GetTempPath(), "genapi-bench-sweep-evaluation");

    /// <summary>Makes <paramref name="dataset"/>'s evaluation ready (classifier and floor), from the cache when it has it, so no timed run pays for it.</summary>
    public async Task WarmEvaluationAsync(string dataset)
    {
        var evaluation = Path.Combine(DataDirectory, "evaluation");
        if (Directory.Exists(ClassifierCache)) Copy(ClassifierCache, evaluation);
        var warm = await Client.PostAsJsonAsync("/v1/jobs", new { dataset, steps = 1, evaluate = true, baseChannels = 8 });
        var id = (await warm.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        while ((await Client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}")).GetProperty("status").GetString() is "queued" or "running") await Task.Delay(500);
        if (!Directory.Exists(ClassifierCache)) Copy(evaluation, ClassifierCache);
    }

    /// <summary>Posts a job, waits for it to succeed, and returns it with its metrics and its mean training speed (the first report, which
    /// includes start-up, left out).</summary>
    public async Task<(JsonElement Job, JsonElement Metrics, double StepsPerSecond)> TrainAsync(object body)
    {
        var posted = await Client.PostAsJsonAsync("/v1/jobs", body);
        var created = await posted.Content.ReadFromJsonAsync<JsonElement>();
        if (!posted.IsSuccessStatusCode) throw new InvalidOperationException($"the job was refused: {created}");
        var id = created.GetProperty("id").GetString();
        JsonElement job;
        while ((job = await Client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}")).GetProperty("status").GetString() is "queued" or "running") await Task.Delay(1000);
        if (job.GetProperty("status").GetString() != "succeeded") throw new InvalidOperationException($"the job ended {job}");
        var metrics = await Client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}/metrics?maxPoints=1000");
        var batch = job.GetProperty("hyperparameters").GetProperty("batchSize").GetInt32();
        var rates = metrics.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("imagesPerSecond").GetDouble()).ToList();
        return (job, metrics, rates.Skip(1).DefaultIfEmpty(rates[0]).Average() / batch);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>The service's data directory.</summary>
    public string DataDirectory => App.Configuration["Storage:DataDirectory"]!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        var data = DataDirectory;
        await App.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }
}
