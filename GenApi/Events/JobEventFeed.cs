using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GenApi.Worker.Contracts;

namespace GenApi.Events;

/// <summary>
/// One poller for every live event stream of this API process: each tick reads the events of all jobs written
/// since the last one (one query, however many streams are open) and hands each to the streams that follow its
/// job. A stream reads its own backlog once when it opens, then only receives.
/// </summary>
public sealed class JobEventFeed(IJobStore store, ILogger<JobEventFeed> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly string[] FinalKinds = ["succeeded", "failed", "canceled"];

    private readonly ConcurrentDictionary<Channel<JobEvent>, Subscriber> _streams = new();

    // The newest event id the feed has handed out; -1 while no stream is open (then it does not poll at all).
    private long _last = -1;

    private sealed record Subscriber(string JobId, long Start);

    /// <summary>The job's events after <paramref name="after"/>, live, until the job has finished.</summary>
    public async IAsyncEnumerable<JobEvent> FollowAsync(string jobId, long after, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var channel = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        // Registered, with the newest event id, before the backlog is read: the feed delivers everything after that
        // id (it starts from the oldest open stream's when it wakes), the backlog everything up to it, and ids
        // already sent are skipped.
        _streams[channel] = new Subscriber(jobId, await store.LastEventIdAsync(cancellation));
        try
        {
            // The status before the events, so no event written just before the end is missed.
            var finished = (await store.GetJobAsync(jobId, cancellation: cancellation))?.Status.IsFinished() ?? true;
            foreach (var e in await store.ListEventsAsync(jobId, after, 1000, cancellation))
            {
                after = e.Id;
                yield return e;
            }
            if (finished) yield break;
            await foreach (var e in channel.Reader.ReadAllAsync(cancellation))
            {
                if (e.Id <= after) continue;
                after = e.Id;
                yield return e;
                if (FinalKinds.Contains(e.Kind)) yield break;
            }
        }
        finally
        {
            _streams.TryRemove(channel, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_streams.IsEmpty) _last = -1;
                else
                {
                    if (_last < 0) _last = _streams.Values.Min(s => s.Start);
                    foreach (var e in await store.ListAllEventsAsync(_last, 1000, stoppingToken))
                    {
                        _last = e.Id;
                        foreach (var (channel, stream) in _streams)
                            if (stream.JobId == e.JobId) channel.Writer.TryWrite(e);
                    }
                }
            }
            catch (System.Data.Common.DbException error)
            {
                logger.LogWarning("Live events paused, store unreachable: {Error}", error.Message);
            }
            await Task.Delay(Interval, stoppingToken);
        }
    }
}
