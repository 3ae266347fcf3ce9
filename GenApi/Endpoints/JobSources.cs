using GenApi.Contracts;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;

namespace GenApi.Endpoints;

/// <summary>What an <c>initFrom</c> names: where the engine reads the weights, and the architecture they have.</summary>
public sealed record InitTarget(InitSource Source, ModelConfig Config);

/// <summary>The stored weights a job request starts from, resolved for the caller's team, or why each could not be.</summary>
public sealed record JobSources(ResumeTarget? Resume = null, string? ResumeError = null, InitTarget? Init = null, string? InitError = null)
{
    /// <summary>A job from scratch (a sweep's trials).</summary>
    public static JobSources None { get; } = new();

    /// <summary>Resolves <c>resumeFrom</c> and <c>initFrom</c> as the request gives them; another team's ids resolve like unknown ones.</summary>
    public static async Task<JobSources> ResolveAsync(CreateJobRequest request, string team, IJobStore store, CheckpointStore checkpoints, CancellationToken cancellation)
    {
        var (resume, resumeError) = request.ResumeFrom is { } from
            ? await ResumeResolver.ResolveAsync(from, team, store, checkpoints, cancellation)
            : (null, null);
        var (init, initError) = request.InitFrom is { } source
            ? await ResolveInitAsync(source, team, store, checkpoints, cancellation)
            : (null, null);
        return new JobSources(resume, resumeError, init, initError);
    }

    private static async Task<(InitTarget?, string?)> ResolveInitAsync(
        string initFrom, string team, IJobStore store, CheckpointStore checkpoints, CancellationToken cancellation)
    {
        if (initFrom.StartsWith("model_", StringComparison.Ordinal))
        {
            if (await store.GetModelAsync(initFrom, team, cancellation) is not { } model) return (null, $"No model of yours has the id '{initFrom}'.");
            // A trained model's checkpoint at its step holds what the model does not keep (a GAN's discriminator), while its
            // job keeps it and it has the model's shape (a compressed model's parent checkpoint has not).
            var checkpoint = model.HasJob && checkpoints.ConfigAt(model.JobId, model.Steps) == model.Config ? new ResumeSource(model.JobId, model.Steps) : null;
            return (new InitTarget(new InitSource(model.Id, checkpoint), model.Config), null);
        }
        var (resume, error) = await ResumeResolver.ResolveAsync(initFrom, team, store, checkpoints, cancellation, "initFrom");
        if (resume is null || checkpoints.ConfigAt(resume.Source.JobId, resume.Source.Step) is not { } config) return (null, error);
        return (new InitTarget(new InitSource(null, resume.Source), config), null);
    }
}
