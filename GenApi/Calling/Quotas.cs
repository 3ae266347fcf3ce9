using System.ComponentModel.DataAnnotations;
using GenApi.Endpoints;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
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

    /// <summary>Disk a team's uploaded datasets may take (checked before each upload).</summary>
    [Range(1024, long.MaxValue)]
    public long DatasetBytesPerTeam { get; set; } = 20L * 1024 * 1024 * 1024;
}

/// <summary>Checks a team's quotas; each refusal names the quota and its configuration key.</summary>
public sealed class Quotas(IOptions<QuotaOptions> options, UploadedDatasets uploads)
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

    /// <summary>A 403 when the team holds its share of datasets or dataset bytes.</summary>
    public ProblemHttpResult? CheckDatasets(string team)
    {
        var o = options.Value;
        string? detail = uploads.List(team).Count >= o.DatasetsPerTeam
            ? $"Your team keeps {o.DatasetsPerTeam} datasets (Quotas:DatasetsPerTeam); delete one first."
            : uploads.BytesOf(team) >= o.DatasetBytesPerTeam
                ? $"Your team's datasets take {o.DatasetBytesPerTeam:N0} bytes or more (Quotas:DatasetBytesPerTeam); delete one first."
                : null;
        return detail is null ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Dataset quota reached.", type: QuotaExceeded, detail: detail);
    }
}
