using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace GenApi.Worker.Jobs;

/// <summary>Retries a store call through a database outage (a PostgreSQL restart, say) for a bounded time.</summary>
public static class Transient
{
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, ILogger logger, string what, TimeSpan budget, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + budget;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (DbException error) when (DateTime.UtcNow + delay < deadline && !cancellation.IsCancellationRequested)
            {
                logger.LogWarning("{What} failed ({Error}); retrying in {Delay}", what, error.Message, delay);
                await Task.Delay(delay, cancellation);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public static Task RetryAsync(Func<Task> call, ILogger logger, string what, TimeSpan budget, CancellationToken cancellation = default) =>
        RetryAsync(async () => { await call(); return true; }, logger, what, budget, cancellation);
}
