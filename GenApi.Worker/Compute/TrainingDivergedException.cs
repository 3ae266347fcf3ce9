namespace GenApi.Worker.Compute;

/// <summary>A loss became NaN or infinite; the message says when and what to try.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
