using GenApi.Worker.Models;
using GenApi.Worker.Training;

namespace GenApi.Worker.Jobs;

/// <summary>What a job trains, as the engine understands it (the HTTP request is mapped onto this).</summary>
public sealed record JobSpec
{
    public string Model { get; init; } = ModelFamily.Dcgan;
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
    public TrainingSettings Training { get; init; } = new();

    public ModelConfig ModelConfig(int imageSize, int channels, int classes) =>
        new(imageSize, channels, LatentDim, BaseChannels, Model, ModelFamily.IsConditional(Model) ? classes : 0, Training.EmaDecay > 0);
}

/// <summary>Where a job continues from: another job's checkpoint at a step.</summary>
public sealed record ResumeSource(string JobId, int Step);
