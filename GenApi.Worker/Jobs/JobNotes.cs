using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace GenApi.Worker.Jobs;

/// <summary>
/// What a running job tells the store from inside the training loop (progress, checkpoint and evaluation events, scores,
/// recovered updates): written in order by one asynchronous pump, so the loop never waits on the database, and a
/// store that is briefly away costs a logged warning, not the run.
/// </summary>
internal sealed class JobNotes : IAsyncDisposable
{
    private readonly Channel<Func<Task>> _queue = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _pump;

    public JobNotes(ILogger logger)
    {
        _logger = logger;
        _pump = PumpAsync();
    }

    /// <summary>Queues <paramref name="write"/> after every earlier one.</summary>
    public void Post(Func<Task> write) => _queue.Writer.TryWrite(write);

    /// <summary>Waits until everything posted so far is written (or given up on).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(() => { done.TrySetResult(); return Task.CompletedTask; })) done.TrySetResult();
        return done.Task;
    }

    private async Task PumpAsync()
    {
        await foreach (var write in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await write();
            }
            catch (DbException error)
            {
                _logger.LogWarning("Store unreachable during training: {Error}", error.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
    }
}
