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
public sealed record HyperparametersResponse
{
    public int Steps { get; init; }
    public int BatchSize { get; init; }
    public long Seed { get; init; }
    public int? ImageSize { get; init; }
    public int LatentDim { get; init; }
    public int? BaseChannels { get; init; }
    public int CheckpointEvery { get; init; }
    public int SampleEvery { get; init; }
    public bool Evaluate { get; init; }
    public bool KeepBest { get; init; }
    public required OptimizerRequest OptimizerG { get; init; }
    public OptimizerRequest? OptimizerD { get; init; }
    public required ScheduleRequest Schedule { get; init; }
    [ClosedSet(typeof(TrainingSettings), nameof(TrainingSettings.LrScalings))]
    public required string LrScaling { get; init; }
    public string? Loss { get; init; }
    public int? NCritic { get; init; }
    public double? GradientPenalty { get; init; }
    public double? LabelSmoothing { get; init; }
    public double? InstanceNoise { get; init; }
    public double? Dropout { get; init; }
    public string? Reconstruction { get; init; }
    public double? KlWeight { get; init; }
    public double L1 { get; init; }
    public double L2 { get; init; }
    public double? ClipGradNorm { get; init; }
    public int AccumulateSteps { get; init; }
    public double EmaDecay { get; init; }
    public string? ResumeFrom { get; init; }
    public string? DomainA { get; init; }
    public string? DomainB { get; init; }
    public double? CycleWeight { get; init; }
    public double? IdentityWeight { get; init; }
    public int? PoolSize { get; init; }
    public bool? SpectralNorm { get; init; }
    public double? R1 { get; init; }
    public int? R1Interval { get; init; }
    public int? KlWarmupSteps { get; init; }
    public double? FreeBits { get; init; }
    public int? HiddenSize { get; init; }
    public int? Layers { get; init; }
    [ClosedSet(typeof(RecurrentShape), nameof(RecurrentShape.Cells))]
    public string? Cell { get; init; }
    public bool? Bidirectional { get; init; }
    public int? SequenceLength { get; init; }
    public IReadOnlyList<string>? Augment { get; init; }
    [ClosedSet(typeof(TrainingPresets), nameof(TrainingPresets.Names))]
    public string Preset { get; init; } = TrainingPresets.Paper;
    public double? InputDropout { get; init; }
    public string? Precision { get; init; }
    public string? InitFrom { get; init; }
    public int? FreezeD { get; init; }

    public static HyperparametersResponse From(JobSpec spec)
    {
        var t = spec.Training;
        // A field the family does not take is null here, as in the request: the registry says which.
        var fields = ModelFamilies.Find(spec.Model)?.Fields ?? [];
        var sequence = spec.Recurrent;
        var response = new HyperparametersResponse
        {
            Steps = t.Steps, BatchSize = t.BatchSize, Seed = t.Seed, ImageSize = fields.Contains(JobFields.ImageSize) ? spec.ImageSize : null,
            LatentDim = spec.LatentDim, BaseChannels = fields.Contains(JobFields.BaseChannels) ? spec.BaseChannels : null,
            CheckpointEvery = t.CheckpointEvery, SampleEvery = t.SampleEvery, Evaluate = spec.Evaluate, KeepBest = spec.KeepBest,
            OptimizerG = OptimizerRequest.From(t.OptimizerG), OptimizerD = fields.Contains(JobFields.OptimizerD) ? OptimizerRequest.From(t.OptimizerD) : null,
            Schedule = ScheduleRequest.From(t.Schedule), LrScaling = t.LrScaling,
            L1 = t.L1, L2 = t.L2, ClipGradNorm = t.ClipGradNorm, AccumulateSteps = t.AccumulateSteps, EmaDecay = t.EmaDecay,
            ResumeFrom = spec.ResumeFrom?.Path, Preset = spec.Preset, InitFrom = spec.InitFrom?.Name,
            DomainA = fields.Contains(JobFields.DomainA) ? spec.Domains?.A : null, DomainB = fields.Contains(JobFields.DomainB) ? spec.Domains?.B : null,
            HiddenSize = sequence?.HiddenSize, Layers = sequence?.Layers, Cell = sequence?.Cell, Bidirectional = sequence?.Bidirectional,
            SequenceLength = sequence?.Length, InputDropout = sequence?.InputDropout,
        };
        // Each declared setting is the property of its name.
        foreach (var field in TrainingFields.All)
            FieldBinding.Set(response, field.Name, fields.Contains(field.Name) ? field.Read(t) : null);
        return response;
    }
}
