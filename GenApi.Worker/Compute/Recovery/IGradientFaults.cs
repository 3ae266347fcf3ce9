namespace GenApi.Worker.Compute.Recovery;

/// <summary>
/// A test seam for <see cref="UpdateGuard"/>: says which attempts get a NaN in one gradient, the way a faulty backward
/// kernel corrupts them, so that recovery can be proven on a machine whose kernels are sound. Production never corrupts.
/// </summary>
public interface IGradientFaults
{
    bool Corrupts(UpdateAttempt attempt);
}

/// <summary>No injected faults: the service's registration.</summary>
public sealed class NoGradientFaults : IGradientFaults
{
    public static readonly NoGradientFaults Instance = new();

    public bool Corrupts(UpdateAttempt attempt) => false;
}
