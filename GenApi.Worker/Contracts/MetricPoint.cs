namespace GenApi.Worker.Contracts;

/// <summary>Training measurements at one progress report: losses averaged since the previous one.</summary>
public sealed record MetricPoint(int Step, double LossD, double LossG, double ImagesPerSecond, double LearningRate);
