using GenApi.OpenApi;
using GenApi.Worker.Contracts;

namespace GenApi.Contracts;

/// <summary>Something that happened to a job.</summary>
/// <param name="Id">Increasing event number.</param>
/// <param name="At">When it happened (database clock).</param>
/// <param name="Kind">What kind of event: queued, started, resumed, checkpoint, evaluation, interrupted, webhook, succeeded, failed, canceled or pruned.</param>
/// <param name="Message">What happened, in words.</param>
public sealed record JobEventResponse(long Id, DateTimeOffset At, [property: ClosedSet(typeof(JobEvent), nameof(JobEvent.Kinds))] string Kind, string Message)
{
    public static JobEventResponse From(JobEvent e) => new(e.Id, e.At, e.Kind, e.Message);
}
