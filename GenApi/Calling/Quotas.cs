using System.ComponentModel.DataAnnotations;
using GenApi.Endpoints;
using GenApi.Worker.Datasets;
using GenApi.Worker.Sweeps;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GenApi.Calling;

/// <summary>What one team may hold at once, so no team monopolises the workers or the disk. Bound from <c>Quotas</c>.</summary>
public sealed class QuotaOptions
{
    public const string Section = "Quotas";

    /// <summary>A team's jobs queued or running at once; beyond it job creation is a 429 until some finish.</summary>
    [Range(1, 1_000_000)]
    public int ActiveJobsPerTeam { get; set; } = 200;

    /// <summary>A team's running sweeps; beyond it sweep creation is a 429.</summary>
    [Range(1, 10_000)]
    public int ActiveSweepsPerTeam { get; set; } = 5;

    /// <summary>Uploaded datasets a team may keep.</summary>
    [Range(1, 1_000_000)]
    public int DatasetsPerTeam { get; set; } = 50;

    /// <summary>Disk a team's uploaded datasets may take: an upload reserves what it will store before it stores anything.</summary>
    [Range(1024, long.MaxValue)]
    public long DatasetBytesPerTeam { get; set; } = 20L * 1024 * 1024 * 1024;
}

/// <summary>Checks a team's quotas; each refusal names the quota and its configuration key.</summary>
public sealed class Quotas(IOptions<QuotaOptions> options, UploadedDatasets datasets)
{
    public static string QuotaExceeded { get; } = Problems.Type("quota-exceeded");

    /// <summary>A 429 when the team already runs its share of sweeps.</summary>
    public async Task<ProblemHttpResult?> CheckSweepsAsync(string team, ISweepStore sweeps, HttpContext context, CancellationToken cancellation)
    {
        var limit = options.Value.ActiveSweepsPerTeam;
        if ((await sweeps.ListActiveSweepsAsync(cancellation)).Count(s => s.Team == team) < limit) return null;
        return RateLimits.TooMany(context, TimeSpan.FromSeconds(60), "Too many running sweeps.",
            $"Your team runs {limit} sweeps (Quotas:ActiveSweepsPerTeam); retry when one has finished, or cancel one.", QuotaExceeded);
    }

    private readonly Lock _reserving = new();
    private readonly Dictionary<string, (int Uploads, long Bytes)> _inFlight = new(StringComparer.Ordinal);

    /// <summary>A 403 when the team holds its share of datasets or dataset bytes, uploads under way included.</summary>
    public ProblemHttpResult? CheckDatasets(string team)
    {
        lock (_reserving)
        {
            var detail = DatasetRefusal(team, 0);
            return detail is null ? null
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Dataset quota reached.", type: QuotaExceeded, detail: detail);
        }
    }

    /// <summary>
    /// Holds <paramref name="bytes"/> of the team's dataset quota for an upload under way, atomically with the check, so parallel
    /// uploads cannot overshoot it; throws <see cref="DatasetQuotaExceededException"/> when they do not fit.
    /// </summary>
    public IDisposable ReserveDataset(string team, long bytes)
    {
        lock (_reserving)
        {
            if (DatasetRefusal(team, bytes) is { } detail) throw new DatasetQuotaExceededException(detail);
            var (uploads, held) = _inFlight.GetValueOrDefault(team);
            _inFlight[team] = (uploads + 1, held + bytes);
        }
        return new Reservation(() =>
        {
            lock (_reserving)
            {
                var (uploads, held) = _inFlight[team];
                if (uploads == 1) _inFlight.Remove(team);
                else _inFlight[team] = (uploads - 1, held - bytes);
            }
        });
    }

    private string? DatasetRefusal(string team, long bytes)
    {
        var o = options.Value;
        var (uploads, held) = _inFlight.GetValueOrDefault(team);
        var used = datasets.BytesOf(team) + held;
        if (datasets.List(team).Count + uploads >= o.DatasetsPerTeam)
            return $"Your team keeps {o.DatasetsPerTeam} datasets (Quotas:DatasetsPerTeam), uploads under way included; delete one first.";
        if (used + Math.Max(1, bytes) > o.DatasetBytesPerTeam)
            return bytes == 0
                ? $"Your team's datasets take {o.DatasetBytesPerTeam:N0} bytes or more (Quotas:DatasetBytesPerTeam); delete one first."
                : $"This upload would store {bytes:N0} bytes; your team's datasets take {used:N0} of {o.DatasetBytesPerTeam:N0} (Quotas:DatasetBytesPerTeam); delete one first.";
        return null;
    }

    private sealed class Reservation(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
