namespace GenApi.Worker.Contracts;

/// <summary>A process that runs training jobs, as last reported by its heartbeat.</summary>
public sealed record WorkerRecord(string Id, string Name, string Device, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, IReadOnlyList<string> CurrentJobs);
