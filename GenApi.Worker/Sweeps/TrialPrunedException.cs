namespace GenApi.Worker.Sweeps;

/// <summary>Thrown at a checkpoint of a trial its sweep's early-stopping rule stops; the message says which rung and why.</summary>
public sealed class TrialPrunedException(string reason) : Exception(reason);
