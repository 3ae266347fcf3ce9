using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Jobs;

/// <summary>How training jobs are dispatched and guarded. Bound from the <c>Queue</c> configuration section.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>
    /// Distributed mode: how long a fetched job may go without its worker's heartbeat before Hangfire hands it to
    /// another worker. Sliding: a live worker refreshes it every fifth of this, so jobs may run for hours.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Distributed mode: fallback poll interval of the queue; new jobs are announced at once by LISTEN/NOTIFY.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A running job's lease in the job store, renewed every few seconds by its worker. A second dispatch of a job
    /// whose lease is live does not run it; one whose lease expired (worker lost) resumes it from its checkpoint.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Times a job may be started before it is failed (each lost or stopped worker costs one).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often the API sweeps for jobs stored but never put on the queue (its process died in between).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How old a never-enqueued job must be before the sweeper enqueues it (its own API may still be about to).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SweepAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Workers silent this long (killed with no goodbye) are removed from <c>GET /v1/workers</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan DeadWorkerRetention { get; set; } = TimeSpan.FromHours(1);
}
