using System.Data.Common;
using System.Diagnostics;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Rendering;
using GenApi.Worker.Telemetry;
using GenApi.Worker.Training;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenApi.Worker.Jobs;

/// <summary>The Hangfire job that trains one stored job to completion, cancellation or failure.</summary>
public sealed class TrainingJob(
    IJobStore store,
    DatasetCatalog datasets,
    TorchDevice device,
    CheckpointStore checkpoints,
    SampleGrid grid,
    ArtifactPaths paths,
    ModelPublisher publisher,
    Compression.ModelCompressor compressor,
    Evaluation.Evaluator evaluator,
    WorkerIdentity worker,
    Sweeps.ISweepStore sweeps,
    UpdateGuards guards,
    IOptions<QueueOptions> queueOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<TrainingJob> logger)
{
    private static readonly TimeSpan CancelPollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StoreOutageBudget = TimeSpan.FromMinutes(2);
    private readonly QueueOptions _queue = queueOptions.Value;

    /// <summary>Trains <paramref name="jobId"/>; <paramref name="shutdown"/> is Hangfire's server-shutdown token.</summary>
    // Hangfire must not retry on its own: failures are recorded on the job, and lost workers are counted by the
    // store's attempts (QueueOptions.MaxAttempts), which also covers a worker killed outright.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(string jobId, CancellationToken shutdown)
    {
        if (!await AcquireAsync(jobId, shutdown)) return;
        var started = Stopwatch.GetTimestamp();
        var job = (await store.GetJobAsync(jobId, cancellation: shutdown))!;
        Activity.Current?.SetTag("genapi.job.family", job.Spec.Model);
        await Event(jobId, "started", $"started on {worker.Label} ({worker.Device}), attempt {job.Attempts}");
        worker.Begin(jobId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var leaseLost = false;
        var keeper = KeepJobAsync(jobId, stop, () => leaseLost = true);
        var notes = new JobNotes(logger);
        try
        {
            var (modelId, pruned) = await TrainAsync(job, notes, stop.Token, shutdown);
            await notes.FlushAsync();
            if (pruned is null)
            {
                await Finish(jobId, JobStatus.Succeeded, modelId, null, job, started);
                await Event(jobId, "succeeded", $"succeeded: model {modelId}");
            }
            else
            {
                await Finish(jobId, JobStatus.Pruned, modelId, pruned, job, started);
                await Event(jobId, "pruned", $"{pruned}; model {modelId} keeps its weights");
            }
        }
        catch (OperationCanceledException) when (leaseLost)
        {
            await notes.FlushAsync();
            logger.LogWarning("Job {JobId} was taken over by another worker; this run stops", jobId);
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            await notes.FlushAsync();
            await Finish(jobId, JobStatus.Canceled, null, "canceled on request", job, started);
            await Event(jobId, "canceled", "canceled on request");
        }
        catch (OperationCanceledException) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await notes.FlushAsync();
            // Hangfire's token also fires when the Hangfire job leaves Processing under us (deleted from the dashboard):
            // hand the job back; DeletedJobRequeue has put a new dispatch on the queue, which takes it from its checkpoint.
            await Transient.RetryAsync(() => store.ReleaseLeaseAsync(jobId, worker.Id, CancellationToken.None), logger, "Releasing the lease", TimeSpan.FromSeconds(10));
            await Event(jobId, "interrupted", $"its Hangfire job was deleted or moved while running on {worker.Label}; the job goes back to the queue");
        }
        catch (OperationCanceledException)
        {
            await notes.FlushAsync();
            // Server shutdown: hand the job back (Hangfire re-queues it) to resume from its checkpoint.
            await Transient.RetryAsync(() => store.ReleaseLeaseAsync(jobId, worker.Id, CancellationToken.None), logger, "Releasing the lease", TimeSpan.FromSeconds(10));
            await Event(jobId, "interrupted", $"{worker.Label} is stopping; the job goes back to the queue");
            throw;
        }
        catch (Exception error) when (ReadableReason(job, error) is { } reason)
        {
            await notes.FlushAsync();
            await Finish(jobId, JobStatus.Failed, null, reason, job, started);
            await Event(jobId, "failed", reason);
        }
        catch (Exception error)
        {
            await notes.FlushAsync();
            logger.LogError(error, "Job {JobId} failed", jobId);
            await Finish(jobId, JobStatus.Failed, null, $"internal error: {error.Message}", job, started);
            await Event(jobId, "failed", $"internal error: {error.Message}");
        }
        finally
        {
            await notes.DisposeAsync();
            worker.End(jobId);
            await stop.CancelAsync();
            await keeper;
        }
    }

    // Waits out the lease of a worker that may have died; a live holder keeps renewing it, so this dispatch is a duplicate.
    private async Task<bool> AcquireAsync(string jobId, CancellationToken shutdown)
    {
        var deadline = time.GetUtcNow() + _queue.Lease * 2;
        while (true)
        {
            var start = await Transient.RetryAsync(
                () => store.TryStartAsync(jobId, worker.Id, _queue.Lease, _queue.MaxAttempts, shutdown), logger, "Starting the job", StoreOutageBudget, shutdown);
            switch (start)
            {
                case JobStart.Started:
                    return true;
                case JobStart.AttemptsExhausted:
                    await Event(jobId, "failed", $"gave up after {_queue.MaxAttempts} attempts");
                    return false;
                case JobStart.HeldByOther when time.GetUtcNow() < deadline:
                    await Task.Delay(TimeSpan.FromSeconds(1), time, shutdown);
                    continue;
                case JobStart.HeldByOther:
                    logger.LogInformation("Job {JobId} is still running on another worker; duplicate dispatch ignored", jobId);
                    return false;
                default:
                    logger.LogInformation("Job {JobId} is no longer runnable; skipped", jobId);
                    return false;
            }
        }
    }

    // Weights only: the model's files first, then its job's checkpoint (the networks a model does not keep, a GAN's D).
    private async Task InitializeFromAsync(string jobId, Trainer trainer, InitSource parent, int freezeD)
    {
        List<string> folders = [];
        if (parent.ModelId is { } modelId)
        {
            var folder = paths.ModelDirectory(modelId);
            if (!Directory.Exists(folder)) throw new ArgumentException($"Model {modelId} (initFrom) no longer exists.");
            folders.Add(folder);
        }
        if (parent.Checkpoint is { } checkpoint)
        {
            if (checkpoints.Find(checkpoint.JobId, checkpoint.Step) is { } folder) folders.Add(folder);
            else if (parent.ModelId is null) throw new ArgumentException($"The checkpoint {checkpoint.Path} (initFrom) no longer exists.");
        }
        var fresh = trainer.InitializeFrom(folders);
        // The published model names them in its lineage, after any restart: they are kept beside the job's checkpoints.
        AtomicFile.WriteAllBytes(paths.JobReinitialized(jobId), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(fresh));
        await Event(jobId, "initialized", $"starts from the weights of {parent.Name}, with fresh optimizers and schedule"
            + (fresh.Count == 0 ? "; every parameter fitted" : $"; initialised afresh (not in the source, or of another shape): {string.Join(", ", fresh)}")
            + (freezeD > 0 ? $"; the discriminator's first {freezeD} block(s) are frozen" : ""));
    }

    private ModelOrigin? FineTunedOrigin(JobRecord job)
    {
        if (job.Spec.InitFrom is not { } parent) return null;
        var file = paths.JobReinitialized(job.Id);
        var fresh = File.Exists(file) ? System.Text.Json.JsonSerializer.Deserialize<List<string>>(File.ReadAllBytes(file)) : null;
        return new ModelOrigin(ModelOrigin.FineTuned, parent.ModelId, Reinitialized: fresh,
            FreezeD: job.Spec.Training.FreezeD > 0 ? job.Spec.Training.FreezeD : null, ParentCheckpoint: parent.Checkpoint?.Path);
    }

    // Failures a user can act on get their own words; anything else is reported as an internal error.
    private static string? ReadableReason(JobRecord job, Exception error) => error switch
    {
        TrainingDivergedException or ArgumentException => error.Message,
        ModelQuotaExceededException => $"the model was not published: {error.Message}",
        InvalidDataException or EndOfStreamException or IOException =>
            $"dataset '{job.Spec.Dataset}' could not be read: {error.Message}",
        _ => null,
    };

    // The model id, and why the trial was stopped early when it was.
    private async Task<(string ModelId, string? Pruned)> TrainAsync(JobRecord job, JobNotes notes, CancellationToken cancellation, CancellationToken shutdown)
    {
        var spec = job.Spec;
        if (spec.Compression is { } compression) return (await CompressAsync(job, compression, notes, cancellation), null);
        var sweep = job.Trial is { } trial ? (await sweeps.GetSweepAsync(trial.SweepId, cancellation: cancellation))?.Spec : null;
        ImageDataset data;
        using (Tracing.Start("load dataset")?.SetTag("genapi.dataset", spec.Dataset)) data = datasets.Load(spec.Dataset, size: spec.ImageSize);
        var config = spec.ModelConfig(datasets.Describe(spec.Dataset) ?? throw new ArgumentException($"Dataset '{spec.Dataset}' no longer exists."), data.ImageSize);
        using var trainer = ModelFamilies.CreateTrainer(config, spec.Training, device.Device);
        if (!PrecisionSupport.IsNative(spec.Training.Precision, device.Device))
            await Event(job.Id, "warning", $"precision {spec.Training.Precision} has no hardware support on this worker ({Precision.Requirement(spec.Training.Precision)}): "
                + "libtorch emulates it, far slower than fp32 (README, mixed precision).");
        if (checkpoints.Latest(job.Id) is { } latest)
        {
            trainer.LoadCheckpoint(latest);
            await Event(job.Id, "resumed", $"resumed from the checkpoint at step {trainer.Step}");
        }
        else if (spec.ResumeFrom is { } source)
        {
            var folder = checkpoints.Find(source.JobId, source.Step)
                ?? throw new ArgumentException($"The checkpoint of job {source.JobId} at step {source.Step} no longer exists.");
            trainer.LoadCheckpoint(folder);
            await Event(job.Id, "resumed", $"continues job {source.JobId} from its checkpoint at step {trainer.Step}");
        }
        else if (spec.InitFrom is { } parent) await InitializeFromAsync(job.Id, trainer, parent, spec.Training.FreezeD);
        // keepBest compares against every score of this job, earlier runs' too (a resumed job's); new ones are added as they come.
        var scored = spec.KeepBest ? (await store.ListScoresAsync(job.Id, cancellation)).Select(e => (e.Step, e.Scores.FrechetDistance)).ToList() : [];

        var hooks = new TrainingHooks
        {
            Faults = guards.Faults,
            Recovered = guards.Recovered($"job {job.Id}", Recovered(job, notes)),
            Progress = p =>
            {
                WorkerMetrics.TrainThroughput.Record(p.ImagesPerSecond);
                notes.Post(() => store.ReportProgressAsync(job.Id, worker.Id, p.Step, p.LossD, p.LossG, p.ImagesPerSecond, p.LearningRate, CancellationToken.None));
            },
            Samples = images => AtomicFile.WriteAllBytes(paths.JobSamples(job.Id), grid.RenderPng(images, trainer.Config, trainer.ProgressColumns)),
            Checkpoint = t =>
            {
                using (Tracing.Start("save checkpoint")?.SetTag("genapi.step", t.Step)) checkpoints.Save(job.Id, t.Step, t.SaveCheckpoint);
                notes.Post(() => store.AddEventAsync(job.Id, "checkpoint", $"checkpoint saved at step {t.Step}", CancellationToken.None));
                if (!spec.Evaluate) return;
                // Scores are for the weights as they will be sampled (the trainer prepares them, e.g. batch-norm statistics).
                var evaluation = t.Evaluate(evaluator, spec.Dataset,
                    message => notes.Post(() => store.AddEventAsync(job.Id, "evaluation", message, CancellationToken.None)), cancellation,
                    t.Step < spec.Training.Steps ? sweep?.EarlyStopping.RungSamples : null);
                if (spec.KeepBest) KeepIfBest(job.Id, t, evaluation, scored);
                notes.Post(() => store.AddScoresAsync(job.Id, evaluation, CancellationToken.None));
                if (sweep is not null && PruneReason(job, sweep, evaluation) is { } reason) throw new Sweeps.TrialPrunedException(reason);
            },
        };
        string? pruned = null;
        try
        {
            trainer.Train(data, hooks, cancellation);
        }
        catch (Sweeps.TrialPrunedException stopped)
        {
            pruned = stopped.Message;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested && trainer.Step > 0)
        {
            // Keep the work done since the last checkpoint for the resume after the restart.
            checkpoints.Save(job.Id, trainer.Step, trainer.SaveCheckpoint);
            throw;
        }

        var (step, save) = (trainer.Step, (Action<string>)trainer.SaveModel);
        if (spec.KeepBest && File.Exists(Path.Combine(paths.JobBestModel(job.Id), ArtifactPaths.BestStepFile)))
        {
            var best = paths.JobBestModel(job.Id);
            step = int.Parse(File.ReadAllText(Path.Combine(best, ArtifactPaths.BestStepFile)), System.Globalization.CultureInfo.InvariantCulture);
            save = target =>
            {
                foreach (var file in Directory.GetFiles(best).Where(f => Path.GetFileName(f) != ArtifactPaths.BestStepFile))
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            };
            await notes.FlushAsync();
            await Event(job.Id, "evaluation", $"keepBest: publishing the checkpoint at step {step}, the best by Fréchet distance");
        }
        using var publishing = Tracing.Start("publish model");
        var model = await Transient.RetryAsync(
            () => publisher.PublishAsync(job, config, step, save, origin: FineTunedOrigin(job), cancellation: CancellationToken.None),
            logger, "Publishing the model", StoreOutageBudget);
        return (model.Id, pruned);
    }

    // A compression job trains only when it fine-tunes or distills; its progress is the distillation's.
    private async Task<string> CompressAsync(JobRecord job, CompressionSpec compression, JobNotes notes, CancellationToken cancellation) =>
        (await compressor.CompressAsync(job, compression,
            (step, pixel, total, imagesPerSecond) =>
            {
                WorkerMetrics.TrainThroughput.Record(imagesPerSecond);
                notes.Post(() => store.ReportProgressAsync(job.Id, worker.Id, step, pixel, total, imagesPerSecond,
                    compression.Distill?.LearningRate ?? DistillSpec.DefaultLearningRate,
                    CancellationToken.None));
            },
            message => notes.Post(() => Event(job.Id, "compression", message)), cancellation, Recovered(job, notes))).Id;

    // Counted on the job; the first of this run also gets a warning, so that a host whose kernels misbehave is seen.
    private Action<UpdateAttempt> Recovered(JobRecord job, JobNotes notes)
    {
        var first = true;
        return attempt =>
        {
            notes.Post(() => store.AddRecoveredUpdateAsync(job.Id, worker.Id, CancellationToken.None));
            if (!first) return;
            first = false;
            notes.Post(() => store.AddEventAsync(job.Id, "warning",
                $"the update of {attempt.Network} at step {attempt.Step} was not finite and was recomputed from the same inputs (finite at try {attempt.Attempt + 1}): "
                + "a transient fault of a numeric kernel on this worker, not of the hyperparameters; the run keeps the numbers of a clean one. "
                + "Later recoveries are counted in progress.recoveredUpdates.", CancellationToken.None));
        };
    }

    // The sweep's rule, against what the other trials have recorded at this step so far (the scores are shared by every worker).
    private string? PruneReason(JobRecord job, Sweeps.SweepSpec sweep, EvaluationResult evaluation)
    {
        if (sweep.Metric.Read(evaluation.Scores) is not { } value) return null;
        // The one read inside the loop: the rule needs the other trials' scores as they stand now.
        var scores = sweeps.ListSweepScoresAsync(job.Trial!.SweepId, CancellationToken.None).GetAwaiter().GetResult();
        var others = scores.Where(s => s.JobId != job.Id && s.Evaluation.Step == evaluation.Step)
            .Select(s => sweep.Metric.Read(s.Evaluation.Scores)).OfType<double>().ToList();
        return Sweeps.TrialPruner.Decide(sweep, evaluation.Step, job.Spec.Training.Steps, job.Spec.Training.CheckpointEvery, value, others);
    }

    // The best-scoring weights so far are kept apart from the rotating checkpoints (only the latest few survive);
    // a tie goes to the later step. Written before the scores are stored, so a crash in between errs towards the files.
    private void KeepIfBest(string jobId, Trainer trainer, EvaluationResult evaluation, List<(int Step, double FrechetDistance)> scored)
    {
        var better = scored.Any(e => e.Step != evaluation.Step && e.FrechetDistance < evaluation.Scores.FrechetDistance);
        scored.Add((evaluation.Step, evaluation.Scores.FrechetDistance));
        if (better) return;
        AtomicFile.WriteDirectory(paths.JobBestModel(jobId), folder =>
        {
            trainer.SaveModel(folder);
            File.WriteAllText(Path.Combine(folder, ArtifactPaths.BestStepFile), evaluation.Step.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }

    // Polls the store for a cancel request and renews the lease; cancel requests reach a job on any process this way.
    private async Task KeepJobAsync(string jobId, CancellationTokenSource stop, Action onLeaseLost)
    {
        var renewEvery = _queue.Lease / 4;
        var renewedAt = time.GetUtcNow();
        using var timer = new PeriodicTimer(CancelPollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                try
                {
                    if ((await store.GetJobAsync(jobId, cancellation: stop.Token))?.CancelRequested == true)
                    {
                        await stop.CancelAsync();
                        return;
                    }
                    if (time.GetUtcNow() - renewedAt < renewEvery) continue;
                    if (!await store.RenewLeaseAsync(jobId, worker.Id, _queue.Lease, stop.Token))
                    {
                        onLeaseLost();
                        await stop.CancelAsync();
                        return;
                    }
                    renewedAt = time.GetUtcNow();
                }
                catch (DbException error)
                {
                    // The store is unreachable: keep training; the lease decides who owns the job once it is back.
                    logger.LogWarning("Job {JobId}: store unreachable ({Error})", jobId, error.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the job ended first
        }
    }

    private async Task Finish(string jobId, JobStatus status, string? modelId, string? error, JobRecord job, long started)
    {
        // The run's span (JobTraceFilter) ends ok even when the job failed: say how it ended.
        Activity.Current?.SetTag("genapi.job.status", status.ToString().ToLowerInvariant());
        if (status == JobStatus.Failed) Tracing.Failed(Activity.Current, error ?? "failed");
        WorkerMetrics.JobDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, WorkerMetrics.Status(status),
            new KeyValuePair<string, object?>("genapi.job.family", job.Spec.Model));
        if (!await Transient.RetryAsync(() => store.FinishAsync(jobId, worker.Id, status, modelId, error, CancellationToken.None), logger, "Finishing the job", StoreOutageBudget))
            logger.LogWarning("Job {JobId} ended {Status} here, but another worker holds it now", jobId, status);
        else
        {
            WorkerMetrics.JobsFinished.Add(1, WorkerMetrics.Status(status));
            logger.LogInformation("Job {JobId} {Status}{Reason}", jobId, status, error is null ? "" : $": {error}");
        }
    }

    private Task Event(string jobId, string kind, string message) =>
        Transient.RetryAsync(() => store.AddEventAsync(jobId, kind, message, CancellationToken.None), logger, "Recording an event", StoreOutageBudget);
}
