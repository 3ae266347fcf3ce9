using GenApi.Contracts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Families.Adversarial;

namespace GenApi.Endpoints;

/// <summary>Checks a <see cref="CreateJobRequest"/> field by field, and every combination that cannot work, and maps it onto the engine's <see cref="JobSpec"/>.</summary>
public static class JobRequestMapper
{
    public const int MaxSteps = 1_000_000;
    public const int MaxBatchSize = 1024;

    /// <summary>Returns the spec, or null with every invalid field listed in <paramref name="errors"/>.</summary>
    /// <param name="sources">What <c>resumeFrom</c> and <c>initFrom</c> name, or why they could not be resolved.</param>
    public static JobSpec? Map(CreateJobRequest request, DatasetCatalog datasets, string team, JobSources sources,
        bool webhooksEnabled, out WebhookSubscription? webhook, out Dictionary<string, string[]> errors)
    {
        var e = new FieldErrors();
        var (resume, init) = (sources.Resume, sources.Init?.Config);
        var model = request.Model ?? resume?.SourceSpec.Model ?? init?.Family ?? DcganFamily.Id;
        var family = ModelFamilies.Find(model);
        e.Check(family is not null, "model", $"Unknown model '{model}'; expected one of: {string.Join(", ", ModelFamilies.Names)}.");
        var preset = request.Preset ?? TrainingPresets.Paper;
        var presets = family?.Presets ?? new Dictionary<string, TrainingSettings> { [TrainingPresets.Paper] = new() };
        e.Check(presets.ContainsKey(preset), "preset", $"{model} has the presets {string.Join(", ", presets.Keys)}, not '{preset}'.");
        var defaults = presets.GetValueOrDefault(preset) ?? family?.Defaults ?? new TrainingSettings();

        // Required even when resuming: the document says so, and a resumed job must name the data it continues on.
        var dataset = request.Dataset;
        DatasetShape? shape = null;
        if (string.IsNullOrEmpty(dataset))
            e.Check(false, "dataset", $"A dataset is required: one of {string.Join(", ", DatasetCatalog.Names)}, or an uploaded dataset's id.");
        else if (datasets.Problem(dataset, team) is { } datasetProblem)
            e.Check(false, "dataset", datasetProblem);
        else
        {
            shape = datasets.Describe(dataset);
            if (request.Evaluate == true && datasets.TestSplitProblem(dataset, team) is { } testProblem) e.Check(false, "evaluate", testProblem);
            if (family?.Conditional == true)
                e.Check(shape?.Classes >= 2, "dataset", $"'{model}' is class-conditional, but dataset '{dataset}' has no labels (an upload needs one folder per class).");
            if (family is not null && shape is { Sequences: true } && !family.Sequences)
                e.Check(false, "dataset", $"Dataset '{dataset}' holds sequences; '{model}' trains on images. Sequence models: {string.Join(", ", ModelFamilies.All.Where(f => f.Sequences).Select(f => f.Name))}.");
        }

        var imageSize = request.ImageSize ?? (init is not null && family?.Fields.Contains(JobFields.ImageSize) != false ? init.ImageSize : shape?.Size);
        // Which resolution to train at is an image family's question; a sequence family resolves its length itself.
        if (family?.Fields.Contains(JobFields.ImageSize) != false) CheckImageSize(request, shape, dataset, imageSize, e);

        var steps = request.Steps ?? 1000;
        e.Check(steps is >= 1 and <= MaxSteps, "steps", $"steps must be between 1 and {MaxSteps:N0}.");
        var batchSize = request.BatchSize ?? defaults.BatchSize;
        e.Check(batchSize is >= 1 and <= MaxBatchSize, "batchSize", $"batchSize must be between 1 and {MaxBatchSize}.");
        var seed = request.Seed ?? resume?.SourceSpec.Training.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        e.Check(seed >= 0, "seed", "seed must be zero or positive.");
        var latentDim = request.LatentDim ?? resume?.SourceSpec.LatentDim ?? init?.LatentDim ?? family?.DefaultLatentDim ?? 100;
        e.Check(latentDim is >= 0 and <= 1024 && (latentDim > 0 || family?.Fields.Contains(JobFields.LatentDim) == false), "latentDim", "latentDim must be between 1 and 1024.");
        var baseChannels = request.BaseChannels ?? resume?.SourceSpec.BaseChannels ?? init?.BaseChannels ?? family?.DefaultBaseChannels ?? 64;
        e.Check(baseChannels is >= 4 and <= 512, "baseChannels", "baseChannels must be between 4 and 512.");
        var checkpointEvery = request.CheckpointEvery ?? Math.Min(200, Math.Max(steps, 1));
        e.Check(checkpointEvery >= 1 && checkpointEvery <= Math.Max(steps, 1), "checkpointEvery", "checkpointEvery must be between 1 and steps.");
        var sampleEvery = request.SampleEvery ?? Math.Min(100, Math.Max(steps, 1));
        e.Check(sampleEvery >= 1 && sampleEvery <= Math.Max(steps, 1), "sampleEvery", "sampleEvery must be between 1 and steps.");

        var optimizerG = OptimizerRequestMapper.Map(request.OptimizerG, defaults.OptimizerG, request.LearningRate, request.Beta1, request.Beta2, "optimizerG", e);
        var optimizerD = OptimizerRequestMapper.Map(request.OptimizerD, defaults.OptimizerD, request.LearningRate, request.Beta1, request.Beta2, "optimizerD", e);
        var schedule = OptimizerRequestMapper.MapSchedule(request.Schedule, defaults.Schedule, steps, Math.Min(optimizerG.LearningRate, optimizerD.LearningRate), e);
        var lrScaling = request.LrScaling ?? "none";
        e.Check(TrainingSettings.LrScalings.Contains(lrScaling), "lrScaling", $"lrScaling must be one of: {string.Join(", ", TrainingSettings.LrScalings)}.");
        // Which fields the family takes is the registry's rule; the values of those it takes are checked by the family below.
        var given = FieldBinding.Given(request);
        if (family is not null) JobFields.CheckApplicable(family, given.Keys, e);

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
            L1 = request.L1 ?? 0, L2 = request.L2 ?? 0, ClipGradNorm = request.ClipGradNorm, AccumulateSteps = accumulate, EmaDecay = request.EmaDecay ?? 0,
        };
        // Each declared setting: the request's value, else a resumed checkpoint's where it shapes the networks, else the preset's.
        training = TrainingFields.With(training, f => given.GetValueOrDefault(f.Name)
            ?? (f.Declared.Architectural && resume is not null ? f.Read(resume.SourceSpec.Training) : f.Read(defaults)));
        // The paper's identity weight is half the cycle weight: it follows a cycleWeight that was set (and is valid).
        if (request.IdentityWeight is null && request.CycleWeight is { } cycle and >= 0 and <= 1000) training = training with { IdentityWeight = cycle / 2 };
        var spec = new JobSpec
        {
            Model = model, Preset = preset, Dataset = dataset ?? "", ImageSize = imageSize, LatentDim = latentDim, BaseChannels = baseChannels,
            Evaluate = request.Evaluate ?? false, KeepBest = request.KeepBest ?? false, Training = training, ResumeFrom = resume?.Source,
            InitFrom = sources.Init?.Source,
            Domains = request.DomainA is null && request.DomainB is null ? resume?.SourceSpec.Domains
                : new DomainPair(request.DomainA ?? resume?.SourceSpec.Domains?.A, request.DomainB ?? resume?.SourceSpec.Domains?.B),
            Recurrent = family?.Sequences == true ? MapRecurrent(request, resume?.SourceSpec.Recurrent ?? new RecurrentSpec()) : null,
        };
        if (family is not null)
        {
            spec = family.Resolve(spec, shape);
            JobFields.CheckValues(family, spec.Training, e);
            family.Validate(spec, shape, e);
        }
        e.Check(!spec.KeepBest || spec.Evaluate, "keepBest", "keepBest picks the checkpoint with the best score: it needs evaluate: true.");
        if (request.ResumeFrom is not null) CheckResume(spec, resume, sources.ResumeError, e);
        if (request.InitFrom is not null) CheckInit(spec, shape, request.ResumeFrom is not null, sources, e);

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

    private static void CheckImageSize(CreateJobRequest request, DatasetShape? shape, string? dataset, int? imageSize, FieldErrors e)
    {
        if (request.ImageSize is { } size)
            e.Check(ModelConfig.SupportedSizes.Contains(size), "imageSize", $"imageSize must be one of {string.Join(", ", ModelConfig.SupportedSizes)}.");
        else if (shape is { Sequences: false } s && !ModelConfig.SupportedSizes.Contains(s.Size))
            e.Check(false, "imageSize", $"Dataset '{dataset}' has {s.Size}×{s.Size} images; set imageSize to one of {string.Join(", ", ModelConfig.SupportedSizes)}.");
        if (request.Resize == false && shape is { } native && imageSize != native.Size)
            e.Check(false, "imageSize", $"A {imageSize}×{imageSize} model cannot train on {native.Size}×{native.Size} images without resizing: drop resize: false or set imageSize to {native.Size}.");
    }

    // Unset fields keep the checkpoint's (when resuming) or the engine's defaults.
    private static RecurrentSpec MapRecurrent(CreateJobRequest r, RecurrentSpec from) => new(
        r.HiddenSize ?? from.HiddenSize, r.Layers ?? from.Layers, r.Cell ?? from.Cell, r.Bidirectional ?? from.Bidirectional, r.SequenceLength ?? from.Length,
        r.InputDropout ?? from.InputDropout);

    // Weights carry over parameter by parameter where shapes fit: what shapes all of them (the family, the resolution, the noise
    // and the widths, the image channels) must match, or nothing would; a class count may differ (its label layers start fresh).
    private static void CheckInit(JobSpec spec, DatasetShape? shape, bool resuming, JobSources sources, FieldErrors e)
    {
        e.Check(!resuming, "initFrom", "initFrom starts a new run from weights only; resumeFrom continues one: give one of them.");
        if (sources.Init is not { Config: var source })
        {
            e.Check(false, "initFrom", sources.InitError ?? "initFrom could not be resolved.");
            return;
        }
        void Same<T>(string field, T mine, T theirs) =>
            e.Check(EqualityComparer<T>.Default.Equals(mine, theirs), field, $"{field} is {mine}, but the weights in initFrom have {theirs}.");
        Same("model", spec.Model, source.Family);
        if (ModelFamilies.Find(spec.Model)?.Fields.Contains(JobFields.ImageSize) != false) Same("imageSize", spec.ImageSize, source.ImageSize);
        if (ModelFamilies.Find(spec.Model)?.Fields.Contains(JobFields.LatentDim) == true) Same("latentDim", spec.LatentDim, source.LatentDim);
        Same("baseChannels", spec.BaseChannels, source.BaseChannels);
        if (shape is not null)
            e.Check(shape.Channels == source.Channels, "dataset",
                $"Dataset '{spec.Dataset}' has {shape.Channels}-channel images; the weights in initFrom were trained on {source.Channels}-channel images.");
        if (spec.Training.FreezeD > 0 && sources.Init.Source.Checkpoint is null)
            e.Check(false, JobFields.FreezeD, $"freezeD keeps the pretrained discriminator's layers, but {sources.Init.Source.Name} has no discriminator: "
                + "a model keeps only what samples; its job's checkpoint at the model's step is gone (or it was imported or compressed). Start from a checkpoint, or drop freezeD.");
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
        Same("domainA", spec.Domains?.A, source.Domains?.A);
        Same("domainB", spec.Domains?.B, source.Domains?.B);
        Same(JobFields.HiddenSize, spec.Recurrent?.HiddenSize, source.Recurrent?.HiddenSize);
        Same(JobFields.Layers, spec.Recurrent?.Layers, source.Recurrent?.Layers);
        Same(JobFields.Cell, spec.Recurrent?.Cell, source.Recurrent?.Cell);
        Same(JobFields.Bidirectional, spec.Recurrent?.Bidirectional, source.Recurrent?.Bidirectional);
        Same(JobFields.SequenceLength, spec.Recurrent?.Length, source.Recurrent?.Length);
        foreach (var field in TrainingFields.All.Where(f => f.Declared.Architectural)) Same(field.Name, field.Read(spec.Training), field.Read(source.Training));
        Same("optimizerG.type", spec.Training.OptimizerG.Type, source.Training.OptimizerG.Type);
        Same("optimizerD.type", spec.Training.OptimizerD.Type, source.Training.OptimizerD.Type);
        Same("gradientPenalty > 0", spec.Training.GradientPenalty > 0, source.Training.GradientPenalty > 0);
        Same("emaDecay > 0", spec.Training.EmaDecay > 0, source.Training.EmaDecay > 0);
        e.Check(spec.Training.Steps > from.Step, "steps", $"steps ({spec.Training.Steps}) must exceed the checkpoint's step ({from.Step}): it is the new total.");
    }
}
