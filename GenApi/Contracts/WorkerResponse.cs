using GenApi.Worker.Contracts;
using GenApi.Worker.Jobs;

namespace GenApi.Contracts;

/// <summary>A process that trains jobs.</summary>
/// <param name="Id">Worker id (host:pid:nonce) for admins; for other keys, <paramref name="Label"/>.</param>
/// <param name="Name">Host and process id for admins; for other keys, <paramref name="Label"/>.</param>
/// <param name="Label">An opaque name for the worker, the one job events use (<c>started on worker-…</c>).</param>
/// <param name="Device">Torch device it trains on, e.g. <c>cpu</c> or <c>cuda:0</c>.</param>
/// <param name="StartedAt">When it first reported.</param>
/// <param name="HeartbeatAt">Its latest heartbeat.</param>
/// <param name="Alive">Whether the latest heartbeat is recent (within three heartbeat intervals).</param>
/// <param name="CurrentJobCount">How many jobs it is training.</param>
/// <param name="CurrentJobs">Ids of the jobs it is training (admins only: empty for other keys, as the jobs belong to every team).</param>
public sealed record WorkerResponse(
    string Id, string Name, string Label, string Device, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, bool Alive, int CurrentJobCount, IReadOnlyList<string> CurrentJobs)
{
    /// <summary>The worker as <paramref name="admin"/> (hosts, process ids, job ids of every team) or a team sees it.</summary>
    public static WorkerResponse From(WorkerRecord worker, DateTimeOffset now, bool admin) => From(worker, now, admin, WorkerIdentity.LabelOf(worker.Id));

    private static WorkerResponse From(WorkerRecord worker, DateTimeOffset now, bool admin, string label) => new(
        admin ? worker.Id : label, admin ? worker.Name : label, label, worker.Device, worker.StartedAt, worker.HeartbeatAt,
        WorkerHeartbeat.IsAlive(worker.HeartbeatAt, now), worker.CurrentJobs.Count, admin ? worker.CurrentJobs : []);
}
