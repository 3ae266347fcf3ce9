namespace GenApi.Worker.Contracts;

/// <summary>What a job trains, as the engine understands it (the HTTP request is mapped onto this).</summary>
public sealed record JobSpec
{
    /// <summary>The family a request that names none trains.</summary>
    public const string DefaultModel = "dcgan";

    public string Model { get; init; } = DefaultModel;
    /// <summary>The preset whose defaults the job started from (<see cref="TrainingPresets"/>).</summary>
    public string Preset { get; init; } = TrainingPresets.Paper;
    public required string Dataset { get; init; }
    /// <summary>Side of the trained images; the dataset is resized to it when it differs. Null: the dataset's own size.</summary>
    public int? ImageSize { get; init; }
    public int LatentDim { get; init; } = 100;
    public int BaseChannels { get; init; } = 64;
    /// <summary>Score sample quality at every checkpoint.</summary>
    public bool Evaluate { get; init; }
    /// <summary>Publish the checkpoint with the lowest Fréchet distance rather than the last one (needs <see cref="Evaluate"/>).</summary>
    public bool KeepBest { get; init; }
    /// <summary>A checkpoint folder to start from, resolved from the request's <c>resumeFrom</c>.</summary>
    public ResumeSource? ResumeFrom { get; init; }
    /// <summary>A fine-tuning job: the model whose weights it starts from (fresh optimizers and schedule), resolved from <c>initFrom</c>.</summary>
    public InitSource? InitFrom { get; init; }
    public TrainingSettings Training { get; init; } = new();

    /// <summary>Translation families: the two domains, as class names of <see cref="Dataset"/>.</summary>
    public DomainPair? Domains { get; init; }

    /// <summary>A compression job: the model it compresses and how (null for a training job).</summary>
    public CompressionSpec? Compression { get; init; }

    /// <summary>Sequence families: the recurrent networks and the sequence length (null for the other families).</summary>
    public RecurrentSpec? Recurrent { get; init; }
}

/// <summary>The two image domains a translation model maps between, as class names of the dataset (null until the family fills in its default).</summary>
public sealed record DomainPair(string? A, string? B);

/// <summary>What a sequence model's job asks for; the defaults are the engine's.</summary>
/// <param name="Length">Steps per training sequence: sequence datasets are cut into windows of it (null until the family
/// fills in the dataset's own length); an image is always its rows.</param>
/// <param name="InputDropout">Share of the decoder's teacher-forced inputs zeroed in training (against posterior collapse).</param>
public sealed record RecurrentSpec(int HiddenSize = 128, int Layers = 1, string Cell = RecurrentShape.Gru, bool Bidirectional = true, int? Length = null,
    double InputDropout = RecurrentSpec.DefaultInputDropout)
{
    public const double DefaultInputDropout = 0.25;
}

/// <summary>Where a fine-tuning job's weights come from: a model, a checkpoint, or both: a trained model's own checkpoint then
/// supplies the networks a model does not keep (a GAN's discriminator).</summary>
/// <param name="ModelId">The model whose files come first; null when starting from a checkpoint alone.</param>
/// <param name="Checkpoint">A checkpoint for the networks the model lacks, or for all of them.</param>
public sealed record InitSource(string? ModelId, ResumeSource? Checkpoint)
{
    /// <summary>How a response names the source: the model id, else <c>{jobId}/checkpoints/{step}</c>.</summary>
    public string Name => ModelId ?? Checkpoint?.Path ?? "";
}

/// <summary>Where a job continues from: another job's checkpoint at a step.</summary>
public sealed record ResumeSource(string JobId, int Step)
{
    /// <summary>The form requests take: <c>{jobId}/checkpoints/{step}</c>.</summary>
    public string Path => $"{JobId}/checkpoints/{Step}";
}
