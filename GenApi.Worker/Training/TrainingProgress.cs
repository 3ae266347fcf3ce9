namespace GenApi.Worker.Training;

/// <summary>A progress report: mean losses over the steps since the previous report, and the learning rate now.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double LossD, double LossG, double ImagesPerSecond, double LearningRate);
