using GenApi.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Models;
using GenApi.Worker.Training;

namespace GenApi.Endpoints;

/// <summary>Checks a <see cref="CreateJobRequest"/> field by field, and every combination that cannot work, and maps it onto the engine's <see cref="JobSpec"/>.</summary>
public static class JobRequestMapper
{
    public const int MaxSteps = 1_000_000;
    public const int MaxBatchSize = 1024;

    /// <summary>Returns the spec, or null with every invalid field listed in <paramref name="errors"/>.</summary>
    /// <param name="resume">The checkpoint <c>resumeFrom</c> names, when it was resolved.</param>
    /// <param name="resumeError">Why <c>resumeFrom</c> could not be resolved.</param>
    public static JobSpec? Map(CreateJobRequest request, DatasetCatalog datasets, string team, ResumeTarget? resume, string? resumeError,
        bool webhooksEnabled, out WebhookSubscription? webhook, out Dictionary<string, string[]> errors)
    {
        var e = new FieldErrors();
        var model = request.Model ?? resume?.SourceSpec.Model ?? ModelFamily.Dcgan;
        var known = ModelFamily.Names.Contains(model);
        e.Check(known, "model", $"Unknown model '{model}'; expected one of: {string.Join(", ", ModelFamily.Names)}.");
        bool vae = ModelFamily.IsVae(model), gan = known && !vae;

        // Required even when resuming: the document says so, and a resumed job must name the data it continues on.
        var dataset = request.Dataset;
        (int Size, int Channels, int Classes)? shape = null;
        if (string.IsNullOrEmpty(dataset))
            e.Check(false, "dataset", $"A dataset is required: one of {string.Join(", ", DatasetCatalog.Names)}, or an uploaded dataset's id.");
        else if (datasets.Problem(dataset, team) is { } datasetProblem)
            e.Check(false, "dataset", datasetProblem);
        else
        {
            shape = datasets.Describe(dataset);
            if (request.Evaluate == true && datasets.TestSplitProblem(dataset, team) is { } testProblem) e.Check(false, "evaluate", testProblem);
            if (ModelFamily.IsConditional(model))
                e.Check(shape?.Classes >= 2, "dataset", $"'{model}' is class-conditional, but dataset '{dataset}' has no labels (an upload needs one folder per class).");
        }

        var imageSize = request.ImageSize ?? shape?.Size;
        if (request.ImageSize is { } size)
            e.Check(ModelConfig.SupportedSizes.Contains(size), "imageSize", $"imageSize must be one of {string.Join(", ", ModelConfig.SupportedSizes)}.");
        else if (shape is { } s && !ModelConfig.SupportedSizes.Contains(s.Size))
            e.Check(false, "imageSize", $"Dataset '{dataset}' has {s.Size}×{s.Size} images; set imageSize to one of {string.Join(", ", ModelConfig.SupportedSizes)}.");
        if (request.Resize == false && shape is { } native && imageSize != native.Size)
            e.Check(false, "imageSize", $"A {imageSize}×{imageSize} model cannot train on {native.Size}×{native.Size} images without resizing: drop resize: false or set imageSize to {native.Size}.");

        var steps = request.Steps ?? 1000;
        e.Check(steps is >= 1 and <= MaxSteps, "steps", $"steps must be between 1 and {MaxSteps:N0}.");
        var batchSize = request.BatchSize ?? 64;
        e.Check(batchSize is >= 1 and <= MaxBatchSize, "batchSize", $"batchSize must be between 1 and {MaxBatchSize}.");
        var seed = request.Seed ?? resume?.SourceSpec.Training.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        e.Check(seed >= 0, "seed", "seed must be zero or positive.");
        var latentDim = request.LatentDim ?? resume?.SourceSpec.LatentDim ?? FamilyDefaults.LatentDim(model);
        e.Check(latentDim is >= 1 and <= 1024, "latentDim", "latentDim must be between 1 and 1024.");
        var baseChannels = request.BaseChannels ?? resume?.SourceSpec.BaseChannels ?? 64;
        e.Check(baseChannels is >= 4 and <= 512, "baseChannels", "baseChannels must be between 4 and 512.");
        var checkpointEvery = request.CheckpointEvery ?? Math.Min(200, Math.Max(steps, 1));
        e.Check(checkpointEvery >= 1 && checkpointEvery <= Math.Max(steps, 1), "checkpointEvery", "checkpointEvery must be between 1 and steps.");
        var sampleEvery = request.SampleEvery ?? Math.Min(100, Math.Max(steps, 1));
        e.Check(sampleEvery >= 1 && sampleEvery <= Math.Max(steps, 1), "sampleEvery", "sampleEvery must be between 1 and steps.");

        var optimizerDefaults = FamilyDefaults.Optimizer(model);
        var optimizerG = OptimizerRequestMapper.Map(request.OptimizerG, optimizerDefaults, request.LearningRate, request.Beta1, request.Beta2, "optimizerG", e);
        var optimizerD = OptimizerRequestMapper.Map(request.OptimizerD, optimizerDefaults, request.LearningRate, request.Beta1, request.Beta2, "optimizerD", e);
        if (vae) e.NotFor(request.OptimizerD, "optimizerD", "does not apply to VAEs: they train encoder and decoder with optimizerG");
        var schedule = OptimizerRequestMapper.MapSchedule(request.Schedule, steps, Math.Min(optimizerG.LearningRate, optimizerD.LearningRate), e);
        var lrScaling = request.LrScaling ?? "none";
        e.Check(TrainingSettings.LrScalings.Contains(lrScaling), "lrScaling", $"lrScaling must be one of: {string.Join(", ", TrainingSettings.LrScalings)}.");

        var loss = request.Loss ?? FamilyDefaults.Loss(model);
        var nCritic = request.NCritic ?? FamilyDefaults.NCritic(model);
        var gradientPenalty = request.GradientPenalty ?? FamilyDefaults.GradientPenalty(model);
        if (gan)
        {
            e.Check(AdversarialLoss.Kinds.Contains(loss), "loss", $"Unknown loss '{loss}'; expected one of: {string.Join(", ", AdversarialLoss.Kinds)}.");
            e.Check(model != ModelFamily.WganGp || loss == AdversarialLoss.Wasserstein, "loss", "wgan-gp trains with the wasserstein loss; choose another model for other losses.");
            e.Check(model != ModelFamily.WganGp || gradientPenalty > 0, "gradientPenalty", "wgan-gp needs a gradient penalty above 0 (default 10).");
            e.Check(request.LabelSmoothing is null or 0 || AdversarialLoss.HasTargets(loss), "labelSmoothing", $"Label smoothing applies to the bce and lsgan losses, not '{loss}'.");
            e.Check(gradientPenalty is >= 0 and <= 1000, "gradientPenalty", "gradientPenalty must be between 0 and 1000.");
            e.Check(nCritic is >= 1 and <= 100, "nCritic", "nCritic must be between 1 and 100.");
            e.Check(request.LabelSmoothing is null or (>= 0 and < 0.5), "labelSmoothing", "labelSmoothing must be in [0, 0.5).");
            e.Check(request.InstanceNoise is null or (>= 0 and <= 2), "instanceNoise", "instanceNoise must be in [0, 2].");
            e.Check(request.Dropout is null or (>= 0 and < 1), "dropout", "dropout must be in [0, 1).");
            e.NotFor(request.Reconstruction, "reconstruction", "applies to VAEs only");
            e.NotFor(request.KlWeight, "klWeight", "applies to VAEs only");
        }
        else if (vae)
        {
            const string why = "applies to GANs only: a VAE has no discriminator";
            e.NotFor(request.Loss, "loss", $"{why} (its loss is reconstruction + β·KL; see reconstruction and klWeight)");
            e.NotFor(request.NCritic, "nCritic", why);
            e.NotFor(request.GradientPenalty, "gradientPenalty", why);
            e.NotFor(request.LabelSmoothing, "labelSmoothing", why);
            e.NotFor(request.InstanceNoise, "instanceNoise", why);
            e.NotFor(request.Dropout, "dropout", why);
            e.Check(VaeLoss.Reconstructions.Contains(request.Reconstruction ?? "bce"), "reconstruction", "reconstruction must be bce or mse.");
            e.Check(request.KlWeight is null or (>= 0 and <= 1000), "klWeight", "klWeight must be between 0 and 1000.");
        }

        e.Check(request.L1 is null or (>= 0 and <= 1), "l1", "l1 must be in [0, 1].");
        e.Check(request.L2 is null or (>= 0 and <= 1), "l2", "l2 must be in [0, 1].");
        e.Check(request.ClipGradNorm is null or (> 0 and <= 1e6), "clipGradNorm", "clipGradNorm must be positive.");
        var accumulate = request.AccumulateSteps ?? 1;
        e.Check(accumulate is >= 1 and <= 64, "accumulateSteps", "accumulateSteps must be between 1 and 64.");
        e.Check(request.EmaDecay is null or (>= 0 and < 1), "emaDecay", "emaDecay must be in [0, 1).");

        var training = new TrainingSettings
        {
            Steps = steps, BatchSize = batchSize, Seed = seed, CheckpointEvery = checkpointEvery, SampleEvery = sampleEvery,
            OptimizerG = optimizerG, OptimizerD = optimizerD, Schedule = schedule, LrScaling = lrScaling,
            Loss = loss, NCritic = nCritic, GradientPenalty = gradientPenalty,
            LabelSmoothing = request.LabelSmoothing ?? 0, InstanceNoise = request.InstanceNoise ?? 0, Dropout = request.Dropout ?? 0,
            Reconstruction = request.Reconstruction ?? "bce", Beta = request.KlWeight ?? 1.0,
            L1 = request.L1 ?? 0, L2 = request.L2 ?? 0, ClipGradNorm = request.ClipGradNorm, AccumulateSteps = accumulate, EmaDecay = request.EmaDecay ?? 0,
        };
        var spec = new JobSpec
        {
            Model = model, Dataset = dataset ?? "", ImageSize = imageSize, LatentDim = latentDim, BaseChannels = baseChannels,
            Evaluate = request.Evaluate ?? false, KeepBest = request.KeepBest ?? false, Training = training, ResumeFrom = resume?.Source,
        };
        e.Check(!spec.KeepBest || spec.Evaluate, "keepBest", "keepBest picks the checkpoint with the best score: it needs evaluate: true.");
        if (request.ResumeFrom is not null) CheckResume(spec, resume, resumeError, e);

        webhook = null;
        if (request.Webhook is { } hook)
        {
            e.Check(webhooksEnabled, "webhook", "Webhooks are disabled on this server (Webhooks:Enabled is false).");
            e.Check(Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https", "webhook.url", "webhook.url must be an absolute http or https URL.");
            var unknown = (hook.Events ?? []).Except(WebhookSubscription.Kinds).ToList();
            e.Check(unknown.Count == 0, "webhook.events", $"Unknown event kinds {string.Join(", ", unknown)}; expected some of: {string.Join(", ", WebhookSubscription.Kinds)}.");
            webhook = new WebhookSubscription(hook.Url ?? "", hook.Events ?? []);
        }

        errors = e.ToDictionary();
        return e.Count > 0 ? null : spec;
    }

    // A checkpoint holds weights and optimizer state of one architecture: everything that shapes them must match.
    private static void CheckResume(JobSpec spec, ResumeTarget? resume, string? resumeError, FieldErrors e)
    {
        if (resume is null)
        {
            e.Check(false, "resumeFrom", resumeError ?? "resumeFrom could not be resolved.");
            return;
        }
        var (source, from) = (resume.SourceSpec, resume.Source);
        void Same<T>(string field, T mine, T theirs) =>
            e.Check(EqualityComparer<T>.Default.Equals(mine, theirs), field, $"{field} is {mine}, but the checkpoint in resumeFrom was trained with {theirs}.");
        Same("model", spec.Model, source.Model);
        Same("dataset", spec.Dataset, source.Dataset);
        Same("imageSize", spec.ImageSize, source.ImageSize);
        Same("latentDim", spec.LatentDim, source.LatentDim);
        Same("baseChannels", spec.BaseChannels, source.BaseChannels);
        Same("optimizerG.type", spec.Training.OptimizerG.Type, source.Training.OptimizerG.Type);
        Same("optimizerD.type", spec.Training.OptimizerD.Type, source.Training.OptimizerD.Type);
        Same("gradientPenalty > 0", spec.Training.GradientPenalty > 0, source.Training.GradientPenalty > 0);
        Same("emaDecay > 0", spec.Training.EmaDecay > 0, source.Training.EmaDecay > 0);
        e.Check(spec.Training.Steps > from.Step, "steps", $"steps ({spec.Training.Steps}) must exceed the checkpoint's step ({from.Step}): it is the new total.");
    }
}
