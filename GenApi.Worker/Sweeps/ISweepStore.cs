using GenApi.Worker.Contracts;

namespace GenApi.Worker.Sweeps;

/// <summary>Sweeps and their trials, in the job store: the controller keeps no state of its own, so it survives restarts.</summary>
public interface ISweepStore
{
    Task CreateSweepAsync(SweepRecord sweep, CancellationToken cancellation = default);
    /// <summary>The sweep, if it exists and belongs to <paramref name="team"/> (null: any team).</summary>
    Task<SweepRecord?> GetSweepAsync(string id, string? team = null, CancellationToken cancellation = default);
    Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(string team, PageCursor? after, int limit, CancellationToken cancellation = default);
    /// <summary>Sweeps the controller must look at: running ones, and canceled ones with trials still queued or running.</summary>
    Task<IReadOnlyList<SweepRecord>> ListActiveSweepsAsync(CancellationToken cancellation = default);
    /// <summary>Stores a queued trial job; false when the sweep is no longer running or the trial exists already.</summary>
    Task<bool> CreateTrialAsync(SweepRecord sweep, TrialInfo trial, string jobId, JobSpec spec, WebhookSubscription? webhook = null, CancellationToken cancellation = default);
    /// <summary>The sweep's trials by number.</summary>
    Task<IReadOnlyList<JobRecord>> ListTrialsAsync(string sweepId, CancellationToken cancellation = default);
    /// <summary>Every evaluation of every trial, by job then step.</summary>
    Task<IReadOnlyList<(string JobId, EvaluationResult Evaluation)>> ListSweepScoresAsync(string sweepId, CancellationToken cancellation = default);
    /// <summary>Ends a running sweep; false when it had ended already.</summary>
    Task<bool> FinishSweepAsync(string id, SweepStatus status, string? error, CancellationToken cancellation = default);
    /// <summary>Removes a finished sweep of the team with its trials; false when unknown or still running.</summary>
    Task<bool> DeleteSweepAsync(string id, string team, CancellationToken cancellation = default);
    /// <summary>Takes or renews the named lease for <paramref name="owner"/>; false while another owner holds it.</summary>
    Task<bool> TryTakeLeaseAsync(string name, string owner, TimeSpan duration, CancellationToken cancellation = default);
}
