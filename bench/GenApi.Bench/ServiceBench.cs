using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Worker.Contracts;
using GenApi.Worker.Rendering;
using Microsoft.Extensions.DependencyInjection;

namespace GenApi.Bench;

/// <summary>What the service adds around the engine, measured over real HTTP (Kestrel on loopback, embedded mode).</summary>
internal sealed record ServiceFigures(
    double JobImagesPerSecond, double FirstJobImagesPerSecond, double QueueLatencyMs, double CancelLatencyMs, double RequestsPerSecond,
    double[] SampleHttpMs, double[] SampleFloorMs);

internal static class ServiceBench
{
    public static async Task<ServiceFigures> RunAsync(string dataset, int jobSteps, int sampleRequests, TimeSpan loadDuration)
    {
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string>());
        var (app, client) = (service.App, service.Client);

        // A full job through the API: queue, dataset, progress, checkpoints and grids at their defaults. The first job of a
        // worker also loads the dataset and warms libtorch; the second one shows the steady state of a running service.
        var clock = Stopwatch.StartNew();
        var (coldImagesPerSecond, _) = await TimeJobAsync(client, dataset, jobSteps, seed: 1);
        var queueLatency = 0.0;
        var (jobImagesPerSecond, modelId) = await TimeJobAsync(client, dataset, jobSteps, seed: 3, onRunning: () => queueLatency = clock.Elapsed.TotalMilliseconds, clock);

        // Cancel: from the request to the job's final status.
        var longJob = await PostAsync(client, new { dataset, steps = 1_000_000, seed = 2 });
        await WaitAsync(client, longJob, j => j.GetProperty("progress").GetProperty("step").GetInt32() > 0);
        clock.Restart();
        await client.PostAsync($"/v1/jobs/{longJob}/cancel", null);
        await WaitAsync(client, longJob, j => j.GetProperty("status").GetString() == "canceled");
        var cancelLatency = clock.Elapsed.TotalMilliseconds;

        // Throughput: 64 concurrent clients reading one job, bounded in time.
        long requests = 0;
        using var stop = new CancellationTokenSource(loadDuration);
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync($"/v1/jobs/{longJob}", CancellationToken.None);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref requests);
            }
        }));
        var requestsPerSecond = requests / clock.Elapsed.TotalSeconds;

        // Warm samples over HTTP against the same forward pass and encoding in-process, interleaved.
        var model = (await app.Services.GetRequiredService<IJobStore>().GetModelAsync(modelId))!;
        var sampler = app.Services.GetRequiredService<ModelSampler>();
        for (var i = 0; i < 10; i++) await client.GetByteArrayAsync($"/v1/models/{modelId}/samples.png?count=64&seed={i}");
        var http = new double[sampleRequests];
        var floor = new double[sampleRequests];
        for (var i = 0; i < sampleRequests; i++)
        {
            clock.Restart();
            await client.GetByteArrayAsync($"/v1/models/{modelId}/samples.png?count=64&seed={1000 + i}");
            http[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            sampler.RenderGrid(model, SampleOptions.Default, 64, 1000 + i, null, null, 1);
            floor[i] = clock.Elapsed.TotalMilliseconds;
        }
        return new ServiceFigures(jobImagesPerSecond, coldImagesPerSecond, queueLatency, cancelLatency, requestsPerSecond, http, floor);
    }

    public static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static async Task<string> PostAsync(HttpClient client, object body)
    {
        var accepted = await client.PostAsJsonAsync("/v1/jobs", body);
        accepted.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    // Polls every 10 ms by default (latencies), every 500 ms while a job trains: on two cores, a client polling every
    // 10 ms would take CPU from the job it measures. Returns the milliseconds it took and the job.
    private static async Task<(double ms, JsonElement root)> WaitAsync(HttpClient client, string id, Func<JsonElement, bool> until, int pollMs = 10)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = JsonDocument.Parse(await client.GetStringAsync($"/v1/jobs/{id}")).RootElement;
            if (job.GetProperty("status").GetString() == "failed") throw new InvalidOperationException(job.ToString());
            if (until(job)) return (clock.Elapsed.TotalMilliseconds, job);
            await Task.Delay(pollMs);
        }
    }

    // Images per second of one job from its start to its end as the API reports them.
    private static async Task<(double ImagesPerSecond, string ModelId)> TimeJobAsync(
        HttpClient client, string dataset, int steps, long seed, Action? onRunning = null, Stopwatch? clock = null)
    {
        clock?.Restart();
        var id = await PostAsync(client, new { dataset, steps, seed });
        await WaitAsync(client, id, j => j.GetProperty("status").GetString() != "queued");
        onRunning?.Invoke();
        var job = await WaitAsync(client, id, j => j.GetProperty("status").GetString() is "succeeded" or "failed", pollMs: 500);
        var started = job.root.GetProperty("startedAt").GetDateTimeOffset();
        var finished = job.root.GetProperty("finishedAt").GetDateTimeOffset();
        return (steps * 64 / (finished - started).TotalSeconds, job.root.GetProperty("modelId").GetString()!);
    }
}
