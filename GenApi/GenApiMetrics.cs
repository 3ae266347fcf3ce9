using System.Diagnostics.Metrics;

namespace GenApi;

/// <summary>The API's OpenTelemetry-friendly instruments (meter "GenApi"); training meters live in the worker ("GenApi.Worker").</summary>
public static class GenApiMetrics
{
    public static readonly Meter Meter = new("GenApi");

    public static readonly Histogram<double> SampleLatency =
        Meter.CreateHistogram<double>("genapi.samples.duration", "ms", "Time to render a sample PNG (forward pass and encoding).");

    public static readonly Counter<long> JobsCreated = Meter.CreateCounter<long>("genapi.jobs.created", description: "Training jobs accepted.");
}
