using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenApi.Worker.Telemetry;

/// <summary>
/// The engine's spans (activity source "GenApi.Worker"). With no listener, <see cref="Start"/> returns null after one
/// check, so spans cost nothing while telemetry is off.
/// </summary>
public static class Tracing
{
    public const string SourceName = "GenApi.Worker";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) => Source.StartActivity(name, kind);

    /// <summary>Runs <paramref name="work"/> in a span and records its seconds in <paramref name="duration"/>; an exception marks the span failed.</summary>
    public static T Measure<T>(string name, Histogram<double> duration, Func<T> work)
    {
        using var span = Start(name);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        catch (Exception error)
        {
            Failed(span, error.Message);
            throw;
        }
        finally
        {
            duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>Marks <paramref name="span"/> failed, with the exception type kept out (the reason is what a reader needs).</summary>
    public static void Failed(Activity? span, string reason) => span?.SetStatus(ActivityStatusCode.Error, reason);
}
