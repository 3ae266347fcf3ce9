namespace GenApi.Worker.Compute.Recovery;

/// <summary>One try at one optimizer update: which network, at which step (1-based), and which try (0: the first).</summary>
public readonly record struct UpdateAttempt(string Network, int Step, int Attempt);
