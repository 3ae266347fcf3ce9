namespace GenApi.Contracts;

/// <summary>A job's training curves.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Points">At most <c>maxPoints</c> points, each the mean of consecutive reports.</param>
/// <param name="TotalPoints">Reports recorded (about two a second while training).</param>
/// <param name="Evaluations">Sample-quality scores at each evaluated checkpoint (jobs with <c>evaluate</c>).</param>
public sealed record MetricsResponse(string JobId, IReadOnlyList<MetricPointResponse> Points, int TotalPoints, IReadOnlyList<ScoresResponse> Evaluations);

/// <summary>Measurements around one step.</summary>
/// <param name="Step">Step (the last of the averaged reports).</param>
/// <param name="LossD">Discriminator loss.</param>
/// <param name="LossG">Generator loss.</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
/// <param name="LearningRate">Learning rate in force.</param>
public sealed record MetricPointResponse(int Step, double LossD, double LossG, double ImagesPerSecond, double LearningRate);

/// <summary>A saved checkpoint.</summary>
/// <param name="Step">Step it was saved at.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="SizeBytes">Size on disk (both networks and optimizer state).</param>
public sealed record CheckpointResponse(int Step, DateTimeOffset CreatedAt, long SizeBytes);
