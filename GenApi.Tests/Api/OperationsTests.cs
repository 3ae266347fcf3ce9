using System.Diagnostics.Metrics;
using System.Net;
using System.Text;

namespace GenApi.Tests.Api;

public sealed class OperationsTests
{
    [Fact]
    public async Task Meters_ReportJobsTrainingSpeedAndSampleLatency()
    {
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name is "GenApi" or "GenApi.Worker") l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, double value)
        {
            lock (seen) seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value;
        }
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i, v));
        listener.Start();

        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.TrainTinyAsync(client, steps: 20);
        await client.GetByteArrayAsync($"/v1/models/{job.ModelId}/samples.png?count=4&seed=1");
        await client.GetByteArrayAsync($"/v1/models/{job.ModelId}/samples.png?count=4&seed=2");
        listener.RecordObservableInstruments();

        lock (seen)
        {
            Assert.True(seen.GetValueOrDefault("genapi.job.created") >= 1);
            Assert.True(seen.GetValueOrDefault("genapi.job.finished") >= 1);
            Assert.True(seen.GetValueOrDefault("genapi.job.duration") > 0);
            Assert.True(seen.GetValueOrDefault("genapi.train.throughput") > 0);
            Assert.True(seen.GetValueOrDefault("genapi.sample.duration") > 0);
            Assert.True(seen.GetValueOrDefault("genapi.png.encode.duration") > 0);
            Assert.True(seen.GetValueOrDefault("genapi.sampler.cache.lookup") >= 2, "a miss, then a hit");
            Assert.Contains("genapi.job.count", seen.Keys);
            Assert.Contains("genapi.queue.depth", seen.Keys);
        }
    }

    [Fact]
    public async Task OversizedBodies_Get413ProblemDetails_AndUnknownRoutes404ProblemDetails()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var big = new StringContent("{\"dataset\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/v1/jobs", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);

        foreach (var (method, path, status) in new[] { (HttpMethod.Get, "/v1/nothing", HttpStatusCode.NotFound), (HttpMethod.Put, "/v1/jobs", HttpStatusCode.MethodNotAllowed) })
        {
            var answer = await client.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(status, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType!.MediaType);
        }
    }

    // Browsers and some HTTP libraries send Accept: text/html; errors must still be problem+json with a body.
    [Fact]
    public async Task Errors_AreProblemJson_WhateverTheAcceptHeader()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: new Dictionary<string, string> { ["Auth:Enabled"] = "true" });
        var client = app.CreateClient();
        var anonymous = app.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = null;
        foreach (var (caller, method, path, status) in new[]
                 {
                     (anonymous, HttpMethod.Get, "/v1/jobs", HttpStatusCode.Unauthorized),
                     (client, HttpMethod.Get, "/v1/jobs?limit=abc", HttpStatusCode.BadRequest),
                     (client, HttpMethod.Get, "/v1/jobs/job_missing", HttpStatusCode.NotFound),
                     (client, HttpMethod.Get, "/v1/nothing", HttpStatusCode.NotFound),
                     (client, HttpMethod.Put, "/v1/jobs", HttpStatusCode.MethodNotAllowed),
                     (client, HttpMethod.Post, "/v1/jobs//cancel", HttpStatusCode.NotFound),
                     (client, HttpMethod.Post, "/v1/jobs//cancel", HttpStatusCode.NotFound),
                     (client, HttpMethod.Post, "/v1/jobs", HttpStatusCode.UnsupportedMediaType),
                     (client, HttpMethod.Post, "/v1/jobs", HttpStatusCode.UnsupportedMediaType),
                 })
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Accept.ParseAdd("text/html");
            // A retried POST to nowhere is answered like the first one, not replayed without its body.
            if (method != HttpMethod.Get) request.Headers.Add("Idempotency-Key", "same-key");
            if (status == HttpStatusCode.UnsupportedMediaType) request.Content = new StringContent("dataset=synthetic", Encoding.UTF8, "text/plain");
            var response = await caller.SendAsync(request);
            Assert.Equal((path, status), (path, response.StatusCode));
            Assert.Equal((path, "application/problem+json"), (path, response.Content.Headers.ContentType?.MediaType));
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.StartsWith("https://genapi.dev/problems/", problem.RootElement.GetProperty("type").GetString());
            Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        }
    }
}
