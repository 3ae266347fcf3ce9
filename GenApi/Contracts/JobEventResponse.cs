using GenApi.Worker.Jobs;

namespace GenApi.Contracts;

/// <summary>Something that happened to a job.</summary>
/// <param name="Id">Increasing event number.</param>
/// <param name="At">When it happened (database clock).</param>
/// <param name="Kind">queued, started, resumed, checkpoint, interrupted, canceled, failed or succeeded.</param>
/// <param name="Message">What happened, in words.</param>
public sealed record JobEventResponse(long Id, DateTimeOffset At, string Kind, string Message)
{
    public static JobEventResponse From(JobEvent e) => new(e.Id, e.At, e.Kind, e.Message);
}
