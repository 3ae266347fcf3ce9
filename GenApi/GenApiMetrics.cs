using System.Diagnostics.Metrics;
using GenApi.Worker.Contracts;
using GenApi.Worker.Jobs;
using GenApi.Worker.Telemetry;
using Hangfire;

namespace GenApi;

/// <summary>
/// The API's OpenTelemetry-friendly instruments (meter "GenApi"; training ones are on "GenApi.Worker"): jobs created,
/// jobs by status and queue depth (observed from a snapshot refreshed in the background, never on the scrape), and
/// sample latency.
/// </summary>
public sealed class GenApiMetrics(IJobStore store, JobStorage hangfire, ILogger<GenApiMetrics> logger) : BackgroundService
{
    public static readonly Meter Meter = new("GenApi");

    public static readonly Histogram<double> SampleDuration =
        Meter.CreateHistogram<double>("genapi.sample.duration", "s", "Time to render a sample PNG (forward pass and encoding).");

    public static readonly Counter<long> JobsCreated = Meter.CreateCounter<long>("genapi.job.created", "{job}", "Jobs accepted (training and compression).");

    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("genapi.webhook.delivery", "{delivery}",
        "Webhook delivery attempts, by genapi.webhook.outcome: delivered, retrying or abandoned.");

    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    // The gauges observe this instance's snapshot, so they live on a meter of its own.
    private readonly Meter _gauges = new("GenApi");
    private volatile IReadOnlyDictionary<JobStatus, int> _byStatus = new Dictionary<JobStatus, int>();
    private long _queueDepth;

    public override void Dispose()
    {
        _gauges.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _gauges.CreateObservableGauge("genapi.job.count", () => Enum.GetValues<JobStatus>().Select(status => new Measurement<int>(
            _byStatus.GetValueOrDefault(status), WorkerMetrics.Status(status))), "{job}", "Jobs per genapi.job.status.");
        _gauges.CreateObservableGauge("genapi.queue.depth", () => Interlocked.Read(ref _queueDepth), "{job}", "Jobs waiting in the training queue.");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _byStatus = await store.CountJobsByStatusAsync(stoppingToken);
                Interlocked.Exchange(ref _queueDepth, hangfire.GetMonitoringApi().EnqueuedCount(TrainingQueue.Name));
            }
            catch (Exception error) when (error is System.Data.Common.DbException or InvalidOperationException)
            {
                logger.LogWarning("Metrics snapshot failed: {Error}", error.Message);
            }
            await Task.Delay(RefreshInterval, stoppingToken);
        }
    }
}
