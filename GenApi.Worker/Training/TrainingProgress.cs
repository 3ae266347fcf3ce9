using GenApi.Worker.Compute.Recovery;

namespace GenApi.Worker.Training;

/// <summary>A progress report: mean losses over the steps since the previous report, and the learning rate now.</summary>
/// <param name="RecoveredUpdates">Updates of this run that were non-finite at first and recomputed (<see cref="UpdateGuard"/>).</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double LossD, double LossG, double ImagesPerSecond, double LearningRate, int RecoveredUpdates = 0);
