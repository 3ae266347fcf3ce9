using System.ComponentModel.DataAnnotations;
using GenApi.Endpoints;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
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

    /// <summary>Uploaded datasets a team may keep.</summary>
    [Range(1, 1_000_000)]
    public int DatasetsPerTeam { get; set; } = 50;

    /// <summary>Disk a team's uploaded datasets may take (checked before each upload).</summary>
    [Range(1024, long.MaxValue)]
    public long DatasetBytesPerTeam { get; set; } = 20L * 1024 * 1024 * 1024;
}

/// <summary>Checks a team's quotas; each refusal names the quota and its configuration key.</summary>
public sealed class Quotas(IOptions<QuotaOptions> options, IJobStore store, UploadedDatasets uploads)
{
    public static string QuotaExceeded { get; } = Problems.Type("quota-exceeded");

    /// <summary>A 429 when the team already has its share of active jobs.</summary>
    public async Task<ProblemHttpResult?> CheckJobsAsync(string team, HttpContext context, CancellationToken cancellation)
    {
        var limit = options.Value.ActiveJobsPerTeam;
        if (await store.CountActiveJobsAsync(team, cancellation) < limit) return null;
        context.Response.Headers.RetryAfter = "30";
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many active jobs.", type: QuotaExceeded,
            detail: $"Your team has {limit} jobs queued or running (Quotas:ActiveJobsPerTeam); retry when some have finished, or cancel some.");
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
