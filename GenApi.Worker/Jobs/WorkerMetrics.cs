using System.Diagnostics.Metrics;

namespace GenApi.Worker.Jobs;

/// <summary>Training instruments (meter "GenApi.Worker"), for OpenTelemetry or dotnet-counters.</summary>
public static class WorkerMetrics
{
    public static readonly Meter Meter = new("GenApi.Worker");

    public static readonly Histogram<double> TrainImagesPerSecond =
        Meter.CreateHistogram<double>("genapi.train.images_per_second", "{image}/s", "Training throughput at each progress report.");

    public static readonly Counter<long> JobsFinished =
        Meter.CreateCounter<long>("genapi.jobs.finished", description: "Training jobs that reached a final status, tagged by status.");
}
