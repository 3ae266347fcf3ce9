using GenApi.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Training;

namespace GenApi.Endpoints;

/// <summary>Checks a <see cref="CreateJobRequest"/> field by field and maps it onto the engine's <see cref="JobSpec"/>.</summary>
public static class JobRequestMapper
{
    public const int MaxSteps = 1_000_000;
    public const int MaxBatchSize = 1024;

    /// <summary>Job event kinds a webhook may subscribe to.</summary>
    public static IReadOnlyList<string> WebhookEvents { get; } = ["started", "resumed", "checkpoint", "interrupted", "succeeded", "failed", "canceled"];

    /// <summary>Returns the spec, or null with every invalid field listed in <paramref name="errors"/>.</summary>
    public static JobSpec? Map(CreateJobRequest request, DatasetCatalog datasets, bool webhooksEnabled, out WebhookSubscription? webhook, out Dictionary<string, string[]> errors)
    {
        var problems = new Dictionary<string, string[]>();
        void Check(bool ok, string field, string message)
        {
            if (!ok) problems[field] = [message];
        }

        var defaults = new TrainingSettings();
        var model = request.Model ?? JobSpec.Dcgan;
        Check(JobSpec.ModelFamilies.Contains(model), "model", $"Unknown model '{model}'; expected one of: {string.Join(", ", JobSpec.ModelFamilies)}.");
        if (string.IsNullOrEmpty(request.Dataset))
            Check(false, "dataset", $"A dataset is required: one of {string.Join(", ", DatasetCatalog.Names)}.");
        else if (datasets.Problem(request.Dataset) is { } datasetProblem)
            Check(false, "dataset", datasetProblem);

        if (request.Evaluate == true && !string.IsNullOrEmpty(request.Dataset) && datasets.Problem(request.Dataset) is null
            && datasets.TestSplitProblem(request.Dataset) is { } testProblem)
            Check(false, "evaluate", testProblem);

        var steps = request.Steps ?? defaults.Steps;
        Check(steps is >= 1 and <= MaxSteps, "steps", $"steps must be between 1 and {MaxSteps:N0}.");
        var batchSize = request.BatchSize ?? defaults.BatchSize;
        Check(batchSize is >= 1 and <= MaxBatchSize, "batchSize", $"batchSize must be between 1 and {MaxBatchSize}.");
        var seed = request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        Check(seed >= 0, "seed", "seed must be zero or positive.");
        var learningRate = request.LearningRate ?? defaults.LearningRate;
        Check(learningRate is > 0 and <= 1, "learningRate", "learningRate must be in (0, 1].");
        var beta1 = request.Beta1 ?? defaults.Beta1;
        Check(beta1 is >= 0 and < 1, "beta1", "beta1 must be in [0, 1).");
        var beta2 = request.Beta2 ?? defaults.Beta2;
        Check(beta2 is >= 0 and < 1, "beta2", "beta2 must be in [0, 1).");
        var latentDim = request.LatentDim ?? 100;
        Check(latentDim is >= 1 and <= 1024, "latentDim", "latentDim must be between 1 and 1024.");
        var baseChannels = request.BaseChannels ?? 64;
        Check(baseChannels is >= 4 and <= 512, "baseChannels", "baseChannels must be between 4 and 512.");
        var checkpointEvery = request.CheckpointEvery ?? Math.Min(defaults.CheckpointEvery, Math.Max(steps, 1));
        Check(checkpointEvery >= 1 && checkpointEvery <= Math.Max(steps, 1), "checkpointEvery", "checkpointEvery must be between 1 and steps.");
        var sampleEvery = request.SampleEvery ?? Math.Min(defaults.SampleEvery, Math.Max(steps, 1));
        Check(sampleEvery >= 1 && sampleEvery <= Math.Max(steps, 1), "sampleEvery", "sampleEvery must be between 1 and steps.");

        webhook = null;
        if (request.Webhook is { } hook)
        {
            Check(webhooksEnabled, "webhook", "Webhooks are disabled on this server: it needs Webhooks:Secret to sign deliveries.");
            Check(Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https", "webhook.url", "webhook.url must be an absolute http or https URL.");
            var unknown = (hook.Events ?? []).Except(WebhookEvents).ToList();
            Check(unknown.Count == 0, "webhook.events", $"Unknown event kinds {string.Join(", ", unknown)}; expected some of: {string.Join(", ", WebhookEvents)}.");
            webhook = new WebhookSubscription(hook.Url ?? "", hook.Events ?? []);
        }

        errors = problems;
        if (problems.Count > 0) return null;
        return new JobSpec
        {
            Model = model,
            Dataset = request.Dataset!,
            LatentDim = latentDim,
            BaseChannels = baseChannels,
            Evaluate = request.Evaluate ?? false,
            Training = new TrainingSettings
            {
                Steps = steps, BatchSize = batchSize, Seed = seed, LearningRate = learningRate, Beta1 = beta1, Beta2 = beta2,
                CheckpointEvery = checkpointEvery, SampleEvery = sampleEvery,
            },
        };
    }
}
