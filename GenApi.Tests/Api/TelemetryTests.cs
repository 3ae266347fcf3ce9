using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using GenApi.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace GenApi.Tests.Api;

/// <summary>OpenTelemetry: one trace per job across the queue, export over OTLP, and logs that keep secrets out.</summary>
public sealed class TelemetryTests
{
    // The standard variables switch it on; the collector is a plain HTTP endpoint taking OTLP/HTTP protobuf posts.
    private static Dictionary<string, string> Otlp(string collector) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    [Fact]
    public async Task OneJob_IsOneTrace_FromTheRequestThroughTheQueueToTheTrainingRun_AndReachesTheCollector()
    {
        var posts = new ConcurrentDictionary<string, int>();
        await using var collector = await HttpReceiver.StartAsync(context =>
        {
            posts.AddOrUpdate(context.Request.Path, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        });
        var spans = new List<Activity>();
        string modelId, jobId;
        await using (var app = new GenApiFactory(TestPaths.NewScratch(), settings: Otlp(collector.Url),
                         services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))))
        {
            var client = app.CreateClient();
            var job = await app.TrainTinyAsync(client, steps: 20);
            (modelId, jobId) = (job.ModelId!, job.Id);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync($"/v1/models/{modelId}/samples.png?count=4&seed=7")).StatusCode);
            // One record certain to exist: which of the host's own lines are logged depends on timing under a loaded machine
            // (a run in CI once had none), and this test is about the exporter delivering them, not about which there are.
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GenApi.Tests").LogWarning("telemetry test {JobId} done", jobId);
        }
        Activity[] all;
        lock (spans) all = spans.ToArray();

        // Other tests' hosts run in this process too: everything below is found through this job's own request.
        var request = all.Single(s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("POST /v1/jobs", StringComparison.Ordinal) && Trace(all, s).Any(t => Tag(t, "genapi.job.id") == jobId));
        var trace = Trace(all, request).ToList();
        var publish = trace.Single(s => s.DisplayName == "publish training");
        var process = trace.Single(s => s.DisplayName == "process training");
        Assert.Equal((ActivityKind.Producer, ActivityKind.Consumer), (publish.Kind, process.Kind));
        Assert.Equal(request.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal("hangfire", Tag(process, "messaging.system"));
        Assert.Equal("succeeded", Tag(process, "genapi.job.status"));
        foreach (var name in new[] { "load dataset", "save checkpoint", "publish model" })
            Assert.Contains(trace, s => s.DisplayName == name && s.ParentSpanId == process.SpanId);
        Assert.Equal(2, trace.Count(s => s.DisplayName == "save checkpoint"));   // steps 10 and 20
        Assert.All(trace, s => Assert.NotEqual(ActivityStatusCode.Error, s.Status));

        // Sampling: the generator's load (a cache miss, the first request) and the PNG's encoding, under the request.
        var sample = all.Single(s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("GET /v1/models/{id}/samples.png", StringComparison.Ordinal)
            && Trace(all, s).Any(t => Tag(t, "genapi.model.id") == modelId));
        var sampling = Trace(all, sample).ToList();
        Assert.Contains(sampling, s => s.DisplayName == "load generator" && s.ParentSpanId == sample.SpanId);
        Assert.Contains(sampling, s => s.DisplayName == "encode png" && s.ParentSpanId == sample.SpanId);

        // The OTLP exporters posted every signal to the collector (flushed when the host stopped).
        foreach (var signal in new[] { "/v1/traces", "/v1/metrics", "/v1/logs" })
            Assert.True(posts.GetValueOrDefault(signal) > 0, $"nothing posted to {signal}: {string.Join(", ", posts.Keys)}");
    }

    // Telemetry off (no OTEL_EXPORTER_OTLP_ENDPOINT): no tracer provider exists, so the engine creates no spans.
    [Fact]
    public async Task WithoutTheVariables_NoTelemetryIsRegistered()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        app.CreateClient();
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    // Keys, webhook secrets, a webhook URL's credentials and query: none of them in any log line, at every level, nor in
    // any span's name or attributes (the webhook's HTTP call is traced).
    [Fact]
    public async Task LogsAndSpans_CarryNoSecret_AfterARunWithKeysAndWebhooks()
    {
        var capture = new LogCapture();
        var spans = new List<Activity>();
        var deliveries = 0;
        string jobId;
        await using var receiver = await HttpReceiver.StartAsync(context =>
        {
            var hook = context.Request.Path.StartsWithSegments("/hook");
            if (hook) Interlocked.Increment(ref deliveries);
            context.Response.StatusCode = hook ? 204 : 200;
            return Task.CompletedTask;
        });
        var settings = Otlp(receiver.Url);
        settings["Auth:Enabled"] = "true";
        settings["Webhooks:AllowedNetworks:0"] = "127.0.0.1/32";
        settings["Logging:LogLevel:Default"] = "Trace";
        // Slack- and Discord-style hooks keep their secret in the path.
        var secrets = new List<string> { GenApiFactory.AdminKey, "hook-password", "hook-query-token", "hook-path-secret" };
        await using (var app = new GenApiFactory(TestPaths.NewScratch(), settings: settings, services: s =>
                     {
                         s.AddSingleton<ILoggerProvider>(capture);
                         s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                     }))
        {
            var admin = app.CreateClient();
            var created = await admin.PostAsJsonAsync("/v1/admin/keys", new { team = "alpha" });
            var key = (await created.Content.ReadFromJsonAsync<ApiKeyResponse>(GenApiFactory.Json))!.Key;
            secrets.Add(key);
            using var team = app.CreateClient();
            team.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            secrets.Add((await team.GetFromJsonAsync<WebhookSecretResponse>("/v1/webhooks/secret", GenApiFactory.Json))!.Secret);
            var hook = new UriBuilder(receiver.Url) { UserName = "hook-user", Password = "hook-password", Path = "/hook/T0001/hook-path-secret", Query = "token=hook-query-token" };
            var job = await app.PostJobAsync(team, new { dataset = "synthetic", steps = 5, batchSize = 8, baseChannels = 8, seed = 1, webhook = new { url = hook.Uri.ToString() } });
            await GenApiFactory.WaitForFinishAsync(team, job.Id, TimeSpan.FromSeconds(60));
            jobId = job.Id;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            List<JobEventResponse> webhookEvents;
            while ((webhookEvents = (await GenApiFactory.EventsAsync(team, job.Id)).Where(e => e.Kind == "webhook").ToList()).Count == 0 && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            Assert.True(deliveries > 0, "the webhook was not delivered");
            // The team sees which receiver (host and a short hash), never the path.
            Assert.All(webhookEvents, e => Assert.Matches($"delivered to http://127\\.0\\.0\\.1:{new Uri(receiver.Url).Port}/…#[0-9a-f]{{8}} ", e.Message));
            // A wrong key is logged as a failed authentication, without the key.
            using var stranger = app.CreateClient();
            stranger.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "gk_wrong_key_value");
            secrets.Add("gk_wrong_key_value");
            await stranger.GetAsync("/v1/jobs");
        }

        var lines = capture.Lines;
        Assert.True(lines.Count > 20, $"only {lines.Count} log lines were captured");
        Assert.Contains(lines, line => line.Contains(jobId, StringComparison.Ordinal));   // the capture saw the run
        foreach (var secret in secrets)
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        Activity[] traced;
        lock (spans) traced = spans.ToArray();
        var webhookCall = traced.Where(s => s.Kind == ActivityKind.Client && Tag(s, "server.port") == new Uri(receiver.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && Tag(s, "url.full") is { } url && url.Contains("/…#", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(webhookCall);   // the delivery was traced…
        // The receiver runs in this process too, and its own server spans see its own path: they are not GenApi's.
        var receiverPort = new Uri(receiver.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var texts = traced.Where(s => !(s.Kind == ActivityKind.Server && Tag(s, "server.port") == receiverPort)).Select(s => $"{s.DisplayName} {string.Join(" ", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))} {s.StatusDescription}").ToList();
        foreach (var secret in secrets)
        {
            var leak = texts.FirstOrDefault(text => text.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a span shows '{secret}': {leak}");   // …without its credentials, path or query
        }
    }

    private static IEnumerable<Activity> Trace(Activity[] all, Activity root) => all.Where(s => s.TraceId == root.TraceId);

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    /// <summary>Every log line at every level, with its structured values and exception, as text.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public List<string> Lines => _lines.ToList();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                owner._lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                owner._lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
