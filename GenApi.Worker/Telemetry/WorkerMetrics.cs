using System.Diagnostics.Metrics;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Telemetry;

/// <summary>
/// Engine instruments (meter "GenApi.Worker"), for OpenTelemetry or dotnet-counters. Names follow the OpenTelemetry
/// conventions: dotted namespaces, singular nouns, durations in seconds, units in UCUM.
/// </summary>
public static class WorkerMetrics
{
    public const string MeterName = "GenApi.Worker";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Histogram<double> TrainThroughput =
        Meter.CreateHistogram<double>("genapi.train.throughput", "{image}/s", "Training throughput at each progress report.");

    public static readonly Counter<long> RecoveredUpdates =
        Meter.CreateCounter<long>("genapi.train.recovered_updates", "{update}",
            "Updates (training, distillation, feature classifiers) recomputed because their first try was not finite.");

    public static readonly Counter<long> JobsFinished =
        Meter.CreateCounter<long>("genapi.job.finished", "{job}", "Jobs that reached a final status, by genapi.job.status.");

    public static readonly Histogram<double> JobDuration =
        Meter.CreateHistogram<double>("genapi.job.duration", "s", "One run of a job on a worker, from its start to its final status.");

    public static readonly Histogram<double> EvaluationDuration =
        Meter.CreateHistogram<double>("genapi.evaluation.duration", "s", "Scoring a generator (Fréchet distance, KID, precision/recall…).");

    public static readonly Counter<long> SamplerCacheLookups =
        Meter.CreateCounter<long>("genapi.sampler.cache.lookup", "{lookup}", "Loaded-network cache lookups, by genapi.cache.result (hit or miss).");

    public static readonly Histogram<double> PngEncodeDuration =
        Meter.CreateHistogram<double>("genapi.png.encode.duration", "s", "Encoding one PNG (a grid or a single sample).");

    public static KeyValuePair<string, object?> Status(JobStatus status) => new("genapi.job.status", status.ToString().ToLowerInvariant());
}
