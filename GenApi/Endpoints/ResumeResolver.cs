using System.Text.RegularExpressions;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;

namespace GenApi.Endpoints;

/// <summary>The checkpoint a <c>resumeFrom</c> names, with the spec of the job that wrote it.</summary>
public sealed record ResumeTarget(JobSpec SourceSpec, ResumeSource Source);

/// <summary>Resolves <c>resumeFrom</c>: a job id (its latest checkpoint), <c>{jobId}/checkpoints/{step}</c>, or a model id.</summary>
public static partial class ResumeResolver
{
    /// <summary>The target, or null and the reason why not.</summary>
    public static async Task<(ResumeTarget? Target, string? Error)> ResolveAsync(
        string resumeFrom, string team, IJobStore store, CheckpointStore checkpoints, CancellationToken cancellation, string field = "resumeFrom")
    {
        string jobId;
        int? step = null;
        if (resumeFrom.StartsWith("model_", StringComparison.Ordinal))
        {
            if (await store.GetModelAsync(resumeFrom, team, cancellation) is not { } model) return (null, $"No model of yours has the id '{resumeFrom}'.");
            (jobId, step) = (model.JobId, model.Steps);
        }
        else if (CheckpointPath().Match(resumeFrom) is { Success: true } match)
            (jobId, step) = (match.Groups["job"].Value, int.Parse(match.Groups["step"].Value, System.Globalization.CultureInfo.InvariantCulture));
        else
            jobId = resumeFrom;

        if (await store.GetJobAsync(jobId, team, cancellation) is not { } job)
            return (null, $"No job of yours has the id '{jobId}'; {field} takes a job id, '{{jobId}}/checkpoints/{{step}}' or a model id.");
        var available = checkpoints.List(jobId);
        step ??= available.Count > 0 ? available[^1].Step : null;
        if (step is not { } found || available.All(c => c.Step != found))
            return (null, $"Job '{jobId}' has no checkpoint {(step is null ? "yet" : $"at step {step}")}; see GET /v1/jobs/{jobId}/checkpoints.");
        return (new ResumeTarget(job.Spec, new ResumeSource(jobId, found)), null);
    }

    [GeneratedRegex(@"^(?<job>[A-Za-z0-9_]+)/checkpoints/(?<step>[0-9]{1,9})$")]
    private static partial Regex CheckpointPath();
}
