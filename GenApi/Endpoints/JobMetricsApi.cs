using System.Security.Claims;
using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Rendering;
using GenApi.Worker.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>A job's training curves, as numbers and as a chart.</summary>
public static class JobMetricsApi
{
    public const int MaxPoints = 5000;

    public static void MapJobMetrics(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/metrics", GetJobMetrics).WithName(nameof(GetJobMetrics))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/metrics.png", GetJobMetricsChart).WithName(nameof(GetJobMetricsChart)).RendersPng(cached: false);
    }

    /// <summary>Get a job's metrics.</summary>
    /// <remarks>Losses, learning rate and images/s per progress report (about two a second), downsampled to at most
    /// <c>maxPoints</c> by averaging neighbours.</remarks>
    /// <param name="id">Job id.</param>
    /// <param name="maxPoints">1…5000 (default 500).</param>
    /// <response code="200">The metrics.</response>
    /// <response code="400">maxPoints out of range.</response>
    /// <response code="404">No job of yours has this id.</response>
    public static async Task<Results<Ok<MetricsResponse>, ValidationProblem, ProblemHttpResult>> GetJobMetrics(
        string id, int? maxPoints, ClaimsPrincipal user, IJobStore store, CancellationToken cancellation)
    {
        if (InvalidMaxPoints(maxPoints) is { } invalid) return invalid;
        if (await store.GetJobAsync(id, user.Team(), cancellation) is null) return Problems.JobNotFound(id);
        return TypedResults.Ok(await LoadAsync(id, maxPoints ?? 500, store, cancellation));
    }

    /// <summary>Get a job's training curves as PNG.</summary>
    /// <remarks>Loss D and loss G against the step (left axis), images/s dotted (right axis).</remarks>
    /// <param name="id">Job id.</param>
    /// <param name="width">Pixels, 200…4000 (default 800).</param>
    /// <param name="height">Pixels, 150…4000 (default 450).</param>
    /// <response code="200">The chart; drawn once per new metric (or score) and size, then served from memory.</response>
    /// <response code="400">width or height out of range.</response>
    /// <response code="404">No job of yours has this id.</response>
    /// <response code="429">This key has <c>RateLimits:ConcurrentRendersPerKey</c> renders running (charts count with samples); see <c>Retry-After</c>.</response>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetJobMetricsChart(
        string id, int? width, int? height, ClaimsPrincipal user, IJobStore store, ChartCache charts, CancellationToken cancellation)
    {
        if (ChartSize.Validate(width, height) is { } invalid) return invalid;
        if (await store.GetJobAsync(id, user.Team(), cancellation) is null) return Problems.JobNotFound(id);
        var metrics = await LoadAsync(id, 1000, store, cancellation);
        var (w, h) = (width ?? 800, height ?? 450);
        var version = $"{metrics.Points.Count}/{metrics.Points.LastOrDefault()?.Step}";
        return TypedResults.File(charts.GetOrRender($"metrics/{id}", version, w, h, () => MetricsChart.RenderPng(id, metrics.Points, w, h)), "image/png");
    }

    private static ValidationProblem? InvalidMaxPoints(int? maxPoints) => maxPoints is < 1 or > MaxPoints
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["maxPoints"] = [$"maxPoints must be between 1 and {MaxPoints}."] },
            title: "The metrics request is invalid.", type: Problems.InvalidRequest)
        : null;

    private static async Task<MetricsResponse> LoadAsync(string id, int maxPoints, IJobStore store, CancellationToken cancellation)
    {
        var all = await store.ListMetricsAsync(id, cancellation);
        var bucket = Math.Max(1, (all.Count + maxPoints - 1) / maxPoints);
        var points = all.Chunk(bucket).Select(b => new MetricPointResponse(
            b[^1].Step, b.Average(p => p.LossD), b.Average(p => p.LossG), b.Average(p => p.ImagesPerSecond), b[^1].LearningRate)).ToList();
        var evaluations = (await store.ListScoresAsync(id, cancellation)).Select(ScoresResponse.From).ToList();
        return new MetricsResponse(id, points, all.Count, evaluations);
    }
}
