using System.Collections.Concurrent;
using GenApi.Worker.Compute;

namespace GenApi.Worker.Jobs;

/// <summary>This process as a worker: its id (also the owner of the leases it holds), device and current jobs.</summary>
public sealed class WorkerIdentity(TorchDevice device)
{
    private readonly ConcurrentDictionary<string, byte> _jobs = new();
    private readonly SemaphoreSlim _changed = new(0);

    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";
    /// <summary>What teams see of this worker (in events and <c>/v1/workers</c>): no host name or process id.</summary>
    public string Label => LabelOf(Id);
    public string Device => device.ToString();
    public IReadOnlyCollection<string> CurrentJobs => _jobs.Keys.ToList();

    /// <summary>When this worker last reported itself to the store (null: not yet); its readiness.</summary>
    public DateTimeOffset? LastHeartbeat { get; set; }

    /// <summary>An opaque, stable label for a worker id; admins see which host it stands for in <c>/v1/workers</c>.</summary>
    public static string LabelOf(string workerId) =>
        $"worker-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(workerId)))[..8]}";

    public void Begin(string jobId)
    {
        _jobs[jobId] = 0;
        _changed.Release();
    }

    public void End(string jobId)
    {
        _jobs.TryRemove(jobId, out _);
        _changed.Release();
    }

    /// <summary>Waits until a job begins or ends, or <paramref name="timeout"/> passes.</summary>
    public Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellation) => _changed.WaitAsync(timeout, cancellation);
}
