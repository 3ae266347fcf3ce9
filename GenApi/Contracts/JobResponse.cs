using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Contracts;

/// <summary>A training job and where it stands.</summary>
/// <param name="Id">Job id, e.g. <c>job_3f2a…</c>.</param>
/// <param name="Status">queued, running, succeeded, failed, canceled, or pruned (a sweep trial its early-stopping rule stopped; it keeps its model).</param>
/// <param name="Model">Model family.</param>
/// <param name="Dataset">Training dataset.</param>
/// <param name="CreatedAt">When the job was accepted.</param>
/// <param name="StartedAt">When a worker first started it.</param>
/// <param name="FinishedAt">When it reached a final status.</param>
/// <param name="Progress">Steps done and speed.</param>
/// <param name="LossD">Discriminator loss, mean over the latest report window.</param>
/// <param name="LossG">Generator loss, mean over the latest report window.</param>
/// <param name="ModelId">The trained model, once succeeded or pruned: sample it at <c>/v1/models/{modelId}/samples.png</c>.</param>
/// <param name="Error">Why the job failed, was canceled, or was pruned (which rung stopped it and why).</param>
/// <param name="CancelRequested">A cancel was asked for and the job has not stopped yet.</param>
/// <param name="Attempts">Times a worker started the job: more than 1 after a lost or stopped worker (it then resumed from its checkpoint).</param>
/// <param name="Hyperparameters">The settings the job runs with, defaults filled in.</param>
/// <param name="Scores">The latest sample-quality evaluation (jobs with <c>evaluate</c>; in <c>GET /v1/jobs/{id}</c>).</param>
/// <param name="Trial">The sweep this job is a trial of; null for a job of its own.</param>
/// <param name="ParentModelId">A compression job (<c>POST /v1/models/{id}/compress</c>): the model it compresses; null for a training job.</param>
/// <param name="Compression">A compression job: its settings, defaults filled in (its <c>hyperparameters</c> then only give the steps and batch
/// size of its fine-tuning or distillation).</param>
public sealed record JobResponse(
    string Id,
    JobStatus Status,
    [property: ClosedSet(typeof(ModelFamilies), nameof(ModelFamilies.Names))] string Model,
    string Dataset,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    JobProgressResponse Progress,
    double? LossD,
    double? LossG,
    string? ModelId,
    string? Error,
    bool CancelRequested,
    int Attempts,
    HyperparametersResponse Hyperparameters,
    ScoresResponse? Scores = null,
    JobTrialResponse? Trial = null,
    string? ParentModelId = null,
    CompressionResponse? Compression = null)
{
    public static JobResponse From(JobRecord job) => From(job, null);

    public static JobResponse From(JobRecord job, ScoresResponse? scores)
    {
        var spec = job.Spec;
        var total = spec.Training.Steps;
        double? eta = job.Status == JobStatus.Running && job.ImagesPerSecond > 0
            ? Math.Round((total - job.Step) * spec.Training.BatchSize / job.ImagesPerSecond.Value, 1)
            : job.Status.IsFinished() ? 0 : null;
        return new JobResponse(
            job.Id, job.Status, spec.Model, spec.Dataset, job.CreatedAt, job.StartedAt, job.FinishedAt,
            new JobProgressResponse(job.Step, total, job.ImagesPerSecond is { } ips ? Math.Round(ips, 1) : null, eta, job.RecoveredUpdates),
            job.LossD, job.LossG, job.ModelId, job.Error, job.CancelRequested && !job.Status.IsFinished(),
            job.Attempts, HyperparametersResponse.From(spec), scores,
            job.Trial is { } t ? new JobTrialResponse(t.SweepId, t.Number, t.Parameters) : null,
            spec.Compression?.ParentModelId, spec.Compression is { } c ? CompressionResponse.From(c) : null);
    }
}

/// <summary>Training progress.</summary>
/// <param name="Step">Completed steps.</param>
/// <param name="TotalSteps">Steps the job will run.</param>
/// <param name="ImagesPerSecond">Training throughput over the latest report window.</param>
/// <param name="EtaSeconds">Estimated seconds to completion while running; 0 once finished.</param>
/// <param name="RecoveredUpdates">Updates whose first try was not finite (a transient fault of a numeric kernel) and that were
/// recomputed from the same inputs, so the run kept the numbers of a clean one. Several per thousand steps point at the host's libtorch.</param>
public sealed record JobProgressResponse(int Step, int TotalSteps, double? ImagesPerSecond, double? EtaSeconds, int RecoveredUpdates);

/// <summary>The job's settings with every default filled in; fields that do not apply to its family are null.</summary>
public sealed record HyperparametersResponse(
    int Steps, int BatchSize, long Seed, int? ImageSize, int LatentDim, int? BaseChannels, int CheckpointEvery, int SampleEvery, bool Evaluate, bool KeepBest,
    OptimizerRequest OptimizerG, OptimizerRequest? OptimizerD, ScheduleRequest Schedule,
    [property: ClosedSet(typeof(TrainingSettings), nameof(TrainingSettings.LrScalings))] string LrScaling,
    [property: ClosedSet(typeof(AdversarialLoss), nameof(AdversarialLoss.Kinds))] string? Loss, int? NCritic, double? GradientPenalty, double? LabelSmoothing, double? InstanceNoise, double? Dropout,
    [property: ClosedSet(typeof(VaeLoss), nameof(VaeLoss.Reconstructions))] string? Reconstruction, double? KlWeight, double L1, double L2, double? ClipGradNorm, int AccumulateSteps, double EmaDecay, string? ResumeFrom,
    string? DomainA = null, string? DomainB = null, double? CycleWeight = null, double? IdentityWeight = null, int? PoolSize = null,
    bool? SpectralNorm = null, double? R1 = null, int? R1Interval = null, int? KlWarmupSteps = null, double? FreeBits = null,
    int? HiddenSize = null, int? Layers = null,
    [property: ClosedSet(typeof(RecurrentShape), nameof(RecurrentShape.Cells))] string? Cell = null, bool? Bidirectional = null, int? SequenceLength = null,
    [property: ClosedSet(typeof(DiffAugment), nameof(DiffAugment.Policies))] IReadOnlyList<string>? Augment = null,
    [property: ClosedSet(typeof(TrainingPresets), nameof(TrainingPresets.Names))] string Preset = TrainingPresets.Paper, double? InputDropout = null,
    [property: ClosedSet(typeof(Precision), nameof(Precision.Kinds))] string? Precision = null, string? InitFrom = null, int? FreezeD = null)
{
    public static HyperparametersResponse From(JobSpec spec)
    {
        var t = spec.Training;
        // A field the family does not take is null here, as in the request: the registry says which.
        var fields = ModelFamilies.Find(spec.Model)?.Fields ?? [];
        T? Of<T>(string field, T value) where T : struct => fields.Contains(field) ? value : null;
        string? Text(string field, string? value) => fields.Contains(field) ? value : null;
        var sequence = spec.Recurrent;
        return new(t.Steps, t.BatchSize, t.Seed, fields.Contains(JobFields.ImageSize) ? spec.ImageSize : null, spec.LatentDim,
            Of(JobFields.BaseChannels, spec.BaseChannels), t.CheckpointEvery, t.SampleEvery, spec.Evaluate, spec.KeepBest,
            OptimizerRequest.From(t.OptimizerG), fields.Contains(JobFields.OptimizerD) ? OptimizerRequest.From(t.OptimizerD) : null, ScheduleRequest.From(t.Schedule), t.LrScaling,
            Text(JobFields.Loss, t.Loss), Of(JobFields.NCritic, t.NCritic), Of(JobFields.GradientPenalty, t.GradientPenalty),
            Of(JobFields.LabelSmoothing, t.LabelSmoothing), Of(JobFields.InstanceNoise, t.InstanceNoise), Of(JobFields.Dropout, t.Dropout),
            Text(JobFields.Reconstruction, t.Reconstruction), Of(JobFields.KlWeight, t.Beta), t.L1, t.L2, t.ClipGradNorm, t.AccumulateSteps, t.EmaDecay,
            spec.ResumeFrom?.Path,
            Text(JobFields.DomainA, spec.Domains?.A), Text(JobFields.DomainB, spec.Domains?.B), Of(JobFields.CycleWeight, t.CycleWeight),
            Of(JobFields.IdentityWeight, t.IdentityWeight), Of(JobFields.PoolSize, t.PoolSize),
            Of(JobFields.SpectralNorm, t.SpectralNorm), Of(JobFields.R1, t.R1), Of(JobFields.R1Interval, t.R1Interval),
            Of(JobFields.KlWarmupSteps, t.KlWarmupSteps), Of(JobFields.FreeBits, t.FreeBits),
            sequence?.HiddenSize, sequence?.Layers, sequence?.Cell, sequence?.Bidirectional, sequence?.Length,
            fields.Contains(JobFields.Augment) ? t.Augment : null, spec.Preset, sequence?.InputDropout, Text(JobFields.Precision, t.Precision),
            spec.InitFrom?.Name, Of(JobFields.FreezeD, t.FreezeD));
    }
}
