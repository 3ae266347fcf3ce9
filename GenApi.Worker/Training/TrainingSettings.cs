namespace GenApi.Worker.Training;

/// <summary>Hyperparameters of one training run. Defaults are the DCGAN paper's.</summary>
public sealed record TrainingSettings
{
    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-4;
    public double Beta1 { get; init; } = 0.5;
    public double Beta2 { get; init; } = 0.999;
    public long Seed { get; init; } = 1;
    /// <summary>Save a checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 200;
    /// <summary>Render the progress grid every this many steps (and at the end).</summary>
    public int SampleEvery { get; init; } = 100;
}
