using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;

namespace GenApi.Tests.Api;

public sealed class HealthAndWorkersTests
{
    [Fact]
    public async Task EmbeddedApi_IsItsOwnWorker_AndReady()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        var workers = await WaitForAsync(() => client.GetFromJsonAsync<List<WorkerResponse>>("/v1/workers", GenApiFactory.Json), w => w!.Count == 1);
        var worker = Assert.Single(workers!);
        Assert.True(worker.Alive);
        Assert.Equal("cpu", worker.Device);
        Assert.Contains($":{Environment.ProcessId}", worker.Name);
        // Job events, which every team reads, name the worker by its label only.
        var job = await app.TrainTinyAsync(client, steps: 2);
        var started = (await GenApiFactory.EventsAsync(client, job.Id)).Single(e => e.Kind == "started");
        Assert.StartsWith($"started on {worker.Label} (cpu)", started.Message);
        Assert.DoesNotContain(Environment.MachineName, started.Message);

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ApiWithoutWorkers_IsReadyButDegraded()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
        Assert.Empty((await client.GetFromJsonAsync<List<WorkerResponse>>("/v1/workers", GenApiFactory.Json))!);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await read();
            if (until(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(50);
        }
    }
}
