using GenApi.Worker.Compute.Recovery;

namespace GenApi.Tests.Training;

/// <summary>
/// Puts a NaN into one gradient of the chosen updates, as libtorch's faulty Conv2d backward does: only at their first try,
/// or at every try when <see cref="Persistent"/>. Counts what it corrupted, so tests know how many recoveries to expect.
/// </summary>
public sealed class InjectedFaults(params (string Network, int Step)[] sites) : IGradientFaults
{
    private int _injected;

    public bool Persistent { get; init; }

    /// <summary>Tries corrupted so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public bool Corrupts(UpdateAttempt attempt)
    {
        if (!sites.Contains((attempt.Network, attempt.Step)) || (!Persistent && attempt.Attempt > 0)) return false;
        Interlocked.Increment(ref _injected);
        return true;
    }
}
