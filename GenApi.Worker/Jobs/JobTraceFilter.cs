using System.Diagnostics;
using GenApi.Worker.Telemetry;
using Hangfire;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;

namespace GenApi.Worker.Jobs;

/// <summary>
/// Carries the trace across Hangfire: enqueuing records the W3C <c>traceparent</c> of a "publish training" span as a
/// job parameter (stored with the job, so it survives the queue, restarts and other processes), and the worker runs
/// the job in a "process training" span whose parent it is. One trace then covers request → queue → training run.
/// </summary>
public sealed class JobTraceFilter : JobFilterAttribute, IClientFilter, IServerFilter
{
    public const string TraceParameter = "traceparent";
    public const string StateParameter = "tracestate";
    private const string SpanItem = "genapi.span";
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Adds the filter to Hangfire's global filters once per process (Hangfire's configuration is process-wide).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            GlobalJobFilters.Filters.Add(new JobTraceFilter());
            _registered = true;
        }
    }

    public void OnCreating(CreatingContext context)
    {
        var queue = context.Job.Queue ?? (context.InitialState as Hangfire.States.EnqueuedState)?.Queue ?? TrainingQueue.Name;
        var span = Tracing.Start($"publish {queue}", ActivityKind.Producer);
        Describe(span, queue, JobIdOf(context.Job));
        var carried = span ?? Activity.Current;
        if (carried is null) return;
        context.SetJobParameter(TraceParameter, carried.Id);
        if (carried.TraceStateString is { } state) context.SetJobParameter(StateParameter, state);
        context.Items[SpanItem] = span;
    }

    public void OnCreated(CreatedContext context)
    {
        if (!context.Items.TryGetValue(SpanItem, out var item) || item is not Activity span) return;
        span.SetTag("messaging.message.id", context.BackgroundJob?.Id);
        if (context.Exception is { } error) Tracing.Failed(span, error.Message);
        span.Stop();
    }

    public void OnPerforming(PerformingContext context)
    {
        var parent = context.GetJobParameter<string>(TraceParameter);
        ActivityContext.TryParse(parent, context.GetJobParameter<string>(StateParameter), isRemote: true, out var parentContext);
        var span = Tracing.Source.StartActivity($"process {TrainingQueue.Name}", ActivityKind.Consumer, parentContext);
        Describe(span, TrainingQueue.Name, JobIdOf(context.BackgroundJob.Job));
        span?.SetTag("messaging.message.id", context.BackgroundJob.Id);
        context.Items[SpanItem] = span;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(SpanItem, out var item) || item is not Activity span) return;
        if (context.Exception is { } error and not JobAbortedException) Tracing.Failed(span, error.Message);
        span.Stop();
    }

    private static void Describe(Activity? span, string queue, string? jobId)
    {
        if (span is null) return;
        span.SetTag("messaging.system", "hangfire");
        span.SetTag("messaging.destination.name", queue);
        span.SetTag("genapi.job.id", jobId);
    }

    // Every GenApi job method takes the job's id first.
    private static string? JobIdOf(Hangfire.Common.Job? job) => job?.Args is [string id, ..] ? id : null;
}
