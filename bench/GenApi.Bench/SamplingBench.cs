using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Hosting;
using GenApi.Worker.Jobs;
using GenApi.Worker.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenApi.Bench;

/// <summary>
/// Warm <c>GET /v1/models/{id}/samples.png?count=64</c> through real HTTP (Kestrel on loopback) against the
/// in-process floor: the same forward pass and PNG encoding called directly.
/// </summary>
internal static class SamplingBench
{
    public static async Task<(double[] Http, double[] Floor)> RunAsync(string dataset, int requests)
    {
        var data = Directory.CreateTempSubdirectory("genapi-bench-sampling");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration["Storage:DataDirectory"] = data.FullName;
        builder.Configuration["Worker:Device"] = "cpu";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGenApi();
        await using var app = builder.Build();
        app.UseGenApi();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(url) };

        // A default-width DCGAN (the sampling cost does not depend on how long it trained).
        var accepted = await client.PostAsJsonAsync("/v1/jobs", new { dataset, steps = 10, seed = 1 });
        var id = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        string? modelId = null;
        while (modelId is null)
        {
            await Task.Delay(200);
            var job = JsonDocument.Parse(await client.GetStringAsync($"/v1/jobs/{id}")).RootElement;
            if (job.GetProperty("status").GetString() is "failed" or "canceled") throw new InvalidOperationException(job.ToString());
            modelId = job.GetProperty("modelId").GetString();
        }
        var model = (await app.Services.GetRequiredService<IJobStore>().GetModelAsync(modelId))!;
        var sampler = app.Services.GetRequiredService<ModelSampler>();

        for (var i = 0; i < 10; i++) await client.GetByteArrayAsync($"/v1/models/{modelId}/samples.png?count=64&seed={i}");
        var http = new double[requests];
        var floor = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            // Interleaved, so machine noise hits both alike.
            var clock = Stopwatch.StartNew();
            await client.GetByteArrayAsync($"/v1/models/{modelId}/samples.png?count=64&seed={1000 + i}");
            http[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            sampler.RenderGrid(model, 64, 1000 + i, null, null, 1);
            floor[i] = clock.Elapsed.TotalMilliseconds;
        }
        await app.StopAsync();
        data.Delete(recursive: true);
        return (http, floor);
    }

    public static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
