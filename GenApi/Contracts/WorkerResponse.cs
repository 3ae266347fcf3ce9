using GenApi.Worker.Jobs;

namespace GenApi.Contracts;

/// <summary>A process that trains jobs.</summary>
/// <param name="Id">Worker id (host:pid:nonce).</param>
/// <param name="Name">Host and process id.</param>
/// <param name="Device">Torch device it trains on, e.g. <c>cpu</c> or <c>cuda:0</c>.</param>
/// <param name="StartedAt">When it first reported.</param>
/// <param name="HeartbeatAt">Its latest heartbeat.</param>
/// <param name="Alive">Whether the latest heartbeat is recent (within three heartbeat intervals).</param>
/// <param name="CurrentJobCount">How many jobs it is training.</param>
/// <param name="CurrentJobs">Ids of the jobs it is training (admins only: empty for other keys, as the jobs belong to every team).</param>
public sealed record WorkerResponse(
    string Id, string Name, string Device, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, bool Alive, int CurrentJobCount, IReadOnlyList<string> CurrentJobs)
{
    public static WorkerResponse From(WorkerRecord worker, DateTimeOffset now, bool showJobs) => new(
        worker.Id, worker.Name, worker.Device, worker.StartedAt, worker.HeartbeatAt,
        now - worker.HeartbeatAt < WorkerHeartbeat.Interval * 3, worker.CurrentJobs.Count, showJobs ? worker.CurrentJobs : []);
}
