using GenApi.Worker.Datasets;
using GenApi.Worker.Rendering;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace GenApi.Worker.Jobs;

/// <summary>The Hangfire job that trains one stored job to completion, cancellation or failure.</summary>
public sealed class TrainingJob(
    IJobStore store,
    DatasetCatalog datasets,
    TorchDevice device,
    CheckpointStore checkpoints,
    SampleGrid grid,
    ArtifactPaths paths,
    TimeProvider time,
    ILogger<TrainingJob> logger)
{
    private static readonly TimeSpan CancelPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Trains <paramref name="jobId"/>; <paramref name="shutdown"/> is Hangfire's server-shutdown token.</summary>
    // Failures are recorded on the job itself, so Hangfire must not retry; restarts are handled by JobRecovery.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(string jobId, CancellationToken shutdown)
    {
        if (!await store.TryStartAsync(jobId, shutdown))
        {
            logger.LogInformation("Job {JobId} is no longer runnable; skipped", jobId);
            return;
        }
        var job = (await store.GetJobAsync(jobId, shutdown))!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var watcher = WatchForCancelAsync(jobId, stop);
        try
        {
            var modelId = Train(job, stop.Token, shutdown);
            await store.FinishAsync(jobId, JobStatus.Succeeded, modelId, null, CancellationToken.None);
            logger.LogInformation("Job {JobId} succeeded: model {ModelId}", jobId, modelId);
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            await store.FinishAsync(jobId, JobStatus.Canceled, null, "canceled on request", CancellationToken.None);
            logger.LogInformation("Job {JobId} canceled", jobId);
        }
        catch (OperationCanceledException)
        {
            // Server shutdown: the job stays 'running' and resumes from its checkpoint when it is picked up again.
            logger.LogInformation("Job {JobId} interrupted by shutdown at its last checkpoint", jobId);
            throw;
        }
        catch (Exception error) when (ReadableReason(job, error) is { } reason)
        {
            await store.FinishAsync(jobId, JobStatus.Failed, null, reason, CancellationToken.None);
            logger.LogWarning("Job {JobId} failed: {Reason}", jobId, reason);
        }
        catch (Exception error)
        {
            await store.FinishAsync(jobId, JobStatus.Failed, null, $"internal error: {error.Message}", CancellationToken.None);
            logger.LogError(error, "Job {JobId} failed", jobId);
        }
        finally
        {
            await stop.CancelAsync();
            await watcher;
        }
    }

    // Failures a user can act on get their own words; anything else is reported as an internal error.
    private static string? ReadableReason(JobRecord job, Exception error) => error switch
    {
        TrainingDivergedException or ArgumentException => error.Message,
        InvalidDataException or EndOfStreamException or IOException =>
            $"dataset '{job.Spec.Dataset}' could not be read: {error.Message}",
        _ => null,
    };

    private string Train(JobRecord job, CancellationToken cancellation, CancellationToken shutdown)
    {
        var spec = job.Spec;
        var data = datasets.Load(spec.Dataset);
        var config = spec.ModelConfig(data.ImageSize, data.Channels);
        using var trainer = new DcganTrainer(config, spec.Training, device.Device);
        if (checkpoints.Latest(job.Id) is { } latest)
        {
            trainer.LoadCheckpoint(latest);
            logger.LogInformation("Job {JobId} resumes from step {Step}", job.Id, trainer.Step);
        }

        var hooks = new TrainingHooks
        {
            Progress = p => store.ReportProgressAsync(job.Id, p.Step, p.LossD, p.LossG, p.ImagesPerSecond, CancellationToken.None).GetAwaiter().GetResult(),
            Samples = images => AtomicFile.WriteAllBytes(paths.JobSamples(job.Id), grid.RenderPng(images)),
            Checkpoint = t => checkpoints.Save(job.Id, t),
        };
        try
        {
            trainer.Train(data, hooks, cancellation);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested && trainer.Step > 0)
        {
            // Keep the work done since the last checkpoint for the resume after the restart.
            checkpoints.Save(job.Id, trainer);
            throw;
        }

        var model = new ModelRecord
        {
            Id = ModelRecord.NewId(), JobId = job.Id, Family = spec.Model, Dataset = spec.Dataset,
            Config = config, Steps = trainer.Step, CreatedAt = time.GetUtcNow(),
        };
        var weights = paths.ModelGenerator(model.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        var temp = weights + ".tmp";
        trainer.Generator.save(temp);
        File.Move(temp, weights, overwrite: true);
        store.CreateModelAsync(model, CancellationToken.None).GetAwaiter().GetResult();
        return model.Id;
    }

    // Cancel requests arrive through the store so they reach a job on any process; polling is cheap here.
    private async Task WatchForCancelAsync(string jobId, CancellationTokenSource stop)
    {
        using var timer = new PeriodicTimer(CancelPollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                if ((await store.GetJobAsync(jobId, stop.Token))?.CancelRequested == true)
                {
                    await stop.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the job ended first
        }
    }
}
