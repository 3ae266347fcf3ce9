namespace GenApi.Worker.Contracts;

/// <summary>What a worker does with the job it trains: take it under a lease, renew and release that lease, report progress and recovered updates, and end it. Every write is conditional on the lease owner, so a worker that lost the job cannot change it. One role of <see cref="IJobStore"/>.</summary>
public interface IJobLeases
{
    /// <summary>Takes the job for <paramref name="owner"/> if it is queued, or running under an expired lease.</summary>
    Task<JobStart> TryStartAsync(string id, string owner, TimeSpan lease, int maxAttempts, CancellationToken cancellation = default);
    /// <summary>Extends the caller's lease; false when it no longer holds the job.</summary>
    Task<bool> RenewLeaseAsync(string id, string owner, TimeSpan lease, CancellationToken cancellation = default);
    /// <summary>Graceful shutdown: gives the lease (and the attempt) back so the next worker need not wait for it to expire.</summary>
    Task ReleaseLeaseAsync(string id, string owner, CancellationToken cancellation = default);
    /// <summary>Updates the job's progress and appends a metrics point.</summary>
    Task ReportProgressAsync(string id, string owner, int step, double lossD, double lossG, double imagesPerSecond, double learningRate, CancellationToken cancellation = default);
    /// <summary>Counts one update that was recomputed because its first try was not finite (while <paramref name="owner"/> holds the lease).</summary>
    Task AddRecoveredUpdateAsync(string id, string owner, CancellationToken cancellation = default);
    /// <summary>Ends a running job held by <paramref name="owner"/>; false when it does not hold it.</summary>
    Task<bool> FinishAsync(string id, string owner, JobStatus status, string? modelId, string? error, CancellationToken cancellation = default);
}
