using System.Data.Common;
using System.Text.Json.Nodes;
using GenApi.Webhooks;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Sweeps;
using Microsoft.Extensions.Options;

namespace GenApi.Sweeps;

/// <summary>
/// Runs sweeps: proposes trials while fewer than maxParallel are active, and ends a sweep when its last trial ends.
/// It keeps no state of its own (everything is in the job store, trial ids are derived from the sweep and the
/// trial's number), so a restarted API continues where it stopped, and of several API replicas only the holder of
/// a store lease acts.
/// </summary>
public sealed class SweepController(
    ISweepStore sweeps, IJobStore jobs, TrainingQueue queue, DatasetCatalog datasets, Calling.JobAdmission admission,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IOptions<WebhookOptions> webhooks, IOptions<SweepOptions> options,
    TimeProvider time, ILogger<SweepController> logger) : BackgroundService
{
    public const string LeaseName = "sweep-controller";
    private static readonly TimeSpan LiveWorker = TimeSpan.FromSeconds(30);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await sweeps.TryTakeLeaseAsync(LeaseName, _owner, o.Lease, stoppingToken))
                    foreach (var sweep in await sweeps.ListActiveSweepsAsync(stoppingToken))
                        await AdvanceAsync(sweep, stoppingToken);
            }
            catch (DbException error)
            {
                logger.LogWarning("Sweep controller skipped a round, store unreachable: {Error}", error.Message);
            }
            await Task.Delay(o.Interval, time, stoppingToken);
        }
    }

    /// <summary>One round for one sweep.</summary>
    public async Task AdvanceAsync(SweepRecord sweep, CancellationToken cancellation)
    {
        var trials = await sweeps.ListTrialsAsync(sweep.Id, cancellation);
        if (sweep.Status == SweepStatus.Canceled)
        {
            // A trial created while the sweep was being canceled.
            foreach (var trial in trials.Where(t => !t.Status.IsFinished())) await jobs.RequestCancelAsync(trial.Id, cancellation: cancellation);
            return;
        }
        var spec = sweep.Spec;
        var scored = TrialScores.Of(trials, await sweeps.ListSweepScoresAsync(sweep.Id, cancellation), spec.Metric);
        var active = trials.Count(t => !t.Status.IsFinished());
        var parallel = spec.MaxParallel ?? await LiveWorkersAsync(cancellation);
        var history = scored.Where(t => t.Trial.Status.IsFinished()).Select(t => t.Outcome(spec.Metric)).ToList();
        var next = trials.Count;
        var exhausted = next >= spec.MaxTrials;
        while (!exhausted && active < parallel)
        {
            if (TrialSampler.Propose(spec, next, history) is not { } parameters)
            {
                exhausted = true;
                break;
            }
            var request = TrialRequests.Apply(JsonNode.Parse(spec.BaseRequest)!.AsObject(), parameters);
            if (TrialRequests.Map(request, json.Value.SerializerOptions, datasets, sweep.Team, webhooks.Value.Enabled, out var webhook, out var errors) is not { } jobSpec)
            {
                // The space was valid when accepted; an uploaded dataset deleted since is the likely reason.
                var why = string.Join(" ", errors.SelectMany(e => e.Value));
                await sweeps.FinishSweepAsync(sweep.Id, SweepStatus.Failed, $"trial {next} could not be made: {why}", cancellation);
                return;
            }
            var jobId = SweepRecord.TrialJobId(sweep.Id, next);
            var created = false;
            // A trial obeys the team's quota and job rate like any job; one that would exceed them waits for a later round.
            if (await admission.AdmitAsync(sweep.Team, Calling.JobAdmission.TeamRateKey(sweep.Team),
                    async () => created = await sweeps.CreateTrialAsync(sweep, new TrialInfo(sweep.Id, next, parameters), jobId, jobSpec, webhook, cancellation),
                    cancellation) is { } refusal)
            {
                logger.LogDebug("Sweep {SweepId}: trial {Trial} waits: {Reason}", sweep.Id, next, refusal.Detail);
                break;
            }
            if (!created) return;
            await queue.EnqueueAsync(jobId, cancellation);
            logger.LogInformation("Sweep {SweepId}: trial {Trial} queued as job {JobId}", sweep.Id, next, jobId);
            (next, active) = (next + 1, active + 1);
            exhausted = next >= spec.MaxTrials;
        }
        if (exhausted && active == 0) await FinishAsync(sweep, scored, cancellation);
    }

    private async Task FinishAsync(SweepRecord sweep, IReadOnlyList<TrialScores> trials, CancellationToken cancellation)
    {
        if (trials.Any(t => t.Latest is not null))
        {
            await sweeps.FinishSweepAsync(sweep.Id, SweepStatus.Succeeded, null, cancellation);
            return;
        }
        var first = trials.FirstOrDefault(t => t.Trial.Error is not null)?.Trial;
        await sweeps.FinishSweepAsync(sweep.Id, SweepStatus.Failed,
            first is null ? "no trial was scored." : $"no trial was scored; trial {first.Trial!.Number} ended {first.Status.ToString().ToLowerInvariant()}: {first.Error}", cancellation);
    }

    // Embedded mode has one worker (this process); distributed mode as many as heart-beat.
    private async Task<int> LiveWorkersAsync(CancellationToken cancellation)
    {
        var workers = await jobs.ListWorkersAsync(cancellation);
        return Math.Max(1, workers.Count(w => time.GetUtcNow() - w.HeartbeatAt < LiveWorker));
    }
}
