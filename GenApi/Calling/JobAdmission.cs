using System.Collections.Concurrent;
using GenApi.Worker.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GenApi.Calling;

/// <summary>Why a job was not created now, and when asking again may succeed.</summary>
public sealed record JobRefusal(string Title, string Detail, string Type, TimeSpan RetryAfter)
{
    /// <summary>The refusal as a 429 problem, <c>Retry-After</c> set.</summary>
    public ProblemHttpResult ToProblem(HttpContext http) => RateLimits.TooMany(http, RetryAfter, Title, Detail, Type);
}

/// <summary>
/// The one door every job comes in by (a direct job, a sweep's trial, a compression, and whatever comes later): it applies the
/// team's active-job quota and the creation rate, and creates the job while it holds the team's turn, so two requests of one
/// team cannot both see the last free slot. Callers that create jobs any other way bypass every limit.
/// </summary>
public sealed class JobAdmission(IJobStore store, JobCreationLimiter limiter, IOptions<QuotaOptions> quotas)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    /// <summary>The team's job quota minus its queued and running jobs.</summary>
    public async Task<int> RemainingAsync(string team, CancellationToken cancellation) =>
        Math.Max(0, quotas.Value.ActiveJobsPerTeam - await store.CountActiveJobsAsync(team, cancellation));

    /// <summary>
    /// Creates a job with <paramref name="create"/> if the team is under its quota and <paramref name="rateKey"/> has a token
    /// (an API key's id, or the team's for work that no key asked for at that moment); otherwise creates nothing.
    /// </summary>
    /// <returns>Null when the job was created; else why not.</returns>
    public async Task<JobRefusal?> AdmitAsync(string team, string rateKey, Func<Task> create, CancellationToken cancellation)
    {
        var turn = _turns.GetOrAdd(team, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellation);
        try
        {
            var limit = quotas.Value.ActiveJobsPerTeam;
            if (await store.CountActiveJobsAsync(team, cancellation) >= limit)
                return new JobRefusal("Too many active jobs.",
                    $"Your team has {limit} jobs queued or running (Quotas:ActiveJobsPerTeam); retry when some have finished, or cancel some.",
                    Quotas.QuotaExceeded, TimeSpan.FromSeconds(30));
            // Only a job that will be created takes a token: a caller fixing its 400s, or over its quota, is not locked out.
            if (limiter.TryTake(rateKey) is { } wait)
                return new JobRefusal("Too many jobs created.",
                    $"{(rateKey.StartsWith(TeamRateKeyPrefix, StringComparison.Ordinal) ? "A team's sweeps" : "This key")} may create {limiter.PerMinute} jobs a minute (RateLimits:JobsPerMinute); retry after {Math.Ceiling(wait.TotalSeconds)} s.",
                    RateLimits.RateLimited, wait);
            await create();
            return null;
        }
        finally
        {
            turn.Release();
        }
    }

    public const string TeamRateKeyPrefix = "team:";

    /// <summary>The rate bucket of jobs a team's sweeps create on its behalf.</summary>
    public static string TeamRateKey(string team) => TeamRateKeyPrefix + team;
}
