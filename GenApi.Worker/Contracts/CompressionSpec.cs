namespace GenApi.Worker.Contracts;

/// <summary>
/// How a trained model is turned into a cheaper one. The methods apply in a fixed order: the student network is made
/// (channel pruning or distillation narrows it; otherwise it is the parent's generator), fine-tuned, magnitude-pruned,
/// then its weights are stored quantized.
/// </summary>
/// <param name="ParentModelId">The model compressed.</param>
/// <param name="Prune">Pruning, or null.</param>
/// <param name="Distill">Distillation into a narrower student, or null.</param>
/// <param name="Quantize">Weight type of the stored networks (<see cref="QuantizeKinds"/>), or null to keep fp32.</param>
/// <param name="Evaluate">Score both models on the dataset's test split for the report (the slow part: two evaluations, and the
/// dataset classifier's training the first time).</param>
public sealed record CompressionSpec(string ParentModelId, PruneSpec? Prune = null, DistillSpec? Distill = null, string? Quantize = null, bool Evaluate = true)
{
    public const string Int8 = "int8";
    public const string Fp16 = "fp16";
    public const string Bf16 = "bf16";
    public static IReadOnlyList<string> QuantizeKinds { get; } = [Int8, Fp16, Bf16];

    /// <summary>Steps of fine-tuning or distillation the job runs (its progress is counted in them).</summary>
    public int TrainingSteps => Distill?.Steps ?? Prune?.FineTuneSteps ?? 0;

    /// <summary>The network width of the derived generator (the parent's unless channels are removed).</summary>
    public int StudentBaseChannels(int parentBaseChannels) =>
        Distill?.StudentBaseChannels
        ?? (Prune is { Method: PruneSpec.Channels } prune ? PruneSpec.KeptChannels(parentBaseChannels, prune.Sparsity) : parentBaseChannels);

    /// <summary>Fills in the defaults that depend on the parent's data: the feature term needs the dataset's classifier.</summary>
    public CompressionSpec Resolve(bool parentHasTestSplit) => Distill is { FeatureWeight: null } distill
        ? this with { Distill = distill with { FeatureWeight = parentHasTestSplit ? DistillSpec.DefaultFeatureWeight : 0 } }
        : this;

    /// <summary>Every problem of this request against the model it would compress, in one list (field names as in the request).</summary>
    /// <param name="family">What the parent's family can do, from the registry.</param>
    public void Validate(ModelRecord parent, bool parentHasTestSplit, FamilyTraits family, FieldErrors errors)
    {
        errors.Check(family.Operations.HasFlag(FamilyOperations.Sample), "id",
            $"Model '{parent.Id}' is a {parent.Family}: compression applies to generators that sample from noise ({family.Samplers}).");
        errors.Check(Prune is not null || Distill is not null || Quantize is not null, "prune",
            "Name at least one method: prune, distill or quantize.");
        errors.Check(Prune is null || Distill is null, "distill",
            "distill and prune both make the student network: use one (distill trains a narrow network from scratch; prune.method channels starts it from the parent's strongest filters).");
        errors.Check(Quantize is null || QuantizeKinds.Contains(Quantize), "quantize", $"quantize must be one of {string.Join(", ", QuantizeKinds)}.");
        Prune?.Validate(parent, errors);
        Distill?.Validate(parent, parentHasTestSplit, errors);
        var narrows = Distill is not null || Prune is { Method: PruneSpec.Channels };
        // Narrowing rebuilds the network from its config, which only the convolutional and MLP generators are built from.
        errors.Check(!narrows || family.Sequences is false, narrows && Distill is not null ? "distill" : "prune.method",
            $"A {parent.Family} decodes with recurrent networks, whose width is its hiddenSize: narrowing applies to the convolutional and MLP generators; use prune.method magnitude or quantize.");
    }
}

/// <summary>Pruning.</summary>
/// <param name="Sparsity">Share of weights (magnitude) or of each layer's channels (channels) removed, in [0, 1).</param>
/// <param name="Method"><c>magnitude</c> zeroes the smallest weights; <c>channels</c> removes each layer's filters of least L1 norm.</param>
/// <param name="Scope">Magnitude pruning: <c>global</c> ranks every weight together; <c>layer</c> prunes each layer to the sparsity.</param>
/// <param name="FineTuneSteps">Distillation steps from the parent afterwards (pruned weights stay zero).</param>
public sealed record PruneSpec(double Sparsity, string Method = PruneSpec.Magnitude, string Scope = PruneSpec.Global, int FineTuneSteps = 0)
{
    public const string Magnitude = "magnitude";
    public const string Channels = "channels";
    public const string Global = "global";
    public const string Layer = "layer";
    public const int MaxSteps = 100_000;
    public static IReadOnlyList<string> Methods { get; } = [Magnitude, Channels];
    public static IReadOnlyList<string> Scopes { get; } = [Global, Layer];

    /// <summary>The base width left after removing <paramref name="sparsity"/> of every layer's channels (every layer is a multiple of it).</summary>
    public static int KeptChannels(int baseChannels, double sparsity) => (int)Math.Round(baseChannels * (1 - sparsity), MidpointRounding.AwayFromZero);

    internal void Validate(ModelRecord parent, FieldErrors errors)
    {
        errors.Check(Sparsity is >= 0 and < 1 && double.IsFinite(Sparsity), "prune.sparsity", "prune.sparsity must be at least 0 and below 1.");
        errors.Check(Methods.Contains(Method), "prune.method", $"prune.method must be one of {string.Join(", ", Methods)}.");
        errors.Check(Scopes.Contains(Scope), "prune.scope", $"prune.scope must be one of {string.Join(", ", Scopes)}.");
        errors.Check(Scope == Global || Method == Magnitude, "prune.scope", "prune.scope applies to magnitude pruning; channel pruning removes the same share of every layer.");
        errors.Check(FineTuneSteps is >= 0 and <= MaxSteps, "prune.fineTuneSteps", $"prune.fineTuneSteps must be between 0 and {MaxSteps}.");
        if (Method == Channels && Sparsity is >= 0 and < 1)
            errors.Check(KeptChannels(parent.Config.BaseChannels, Sparsity) >= 1, "prune.sparsity",
                $"Removing {Sparsity:P0} of baseChannels {parent.Config.BaseChannels} leaves no channel.");
    }
}

/// <summary>Distillation: a student of the parent's family and fewer channels learns to draw what the parent draws for the same z (and label).</summary>
/// <param name="StudentBaseChannels">The student's baseChannels: at least 1 and below the parent's.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="BatchSize">Latents per step.</param>
/// <param name="LearningRate">Adam's learning rate (β 0.5, 0.999).</param>
/// <param name="PixelLoss"><c>l1</c> or <c>l2</c> between the student's and the parent's images.</param>
/// <param name="FeatureWeight">Weight of the squared distance between the two images' features under the dataset's domain
/// classifier (the evaluator's); 0 leaves only the pixel term. Needs a dataset with a test split; null: 0.1 where there is one, else 0.</param>
public sealed record DistillSpec(int StudentBaseChannels, int Steps = 1000, int BatchSize = 64, double LearningRate = DistillSpec.DefaultLearningRate, string PixelLoss = DistillSpec.L1,
    double? FeatureWeight = null)
{
    public const string L1 = "l1";
    public const string L2 = "l2";
    public const double DefaultFeatureWeight = 0.1;
    public const double DefaultLearningRate = 1e-3;
    public static IReadOnlyList<string> PixelLosses { get; } = [L1, L2];

    internal void Validate(ModelRecord parent, bool parentHasTestSplit, FieldErrors errors)
    {
        errors.Check(StudentBaseChannels >= 1 && StudentBaseChannels < parent.Config.BaseChannels, "distill.studentBaseChannels",
            $"distill.studentBaseChannels must be at least 1 and below the parent's {parent.Config.BaseChannels}.");
        errors.Check(Steps is >= 1 and <= PruneSpec.MaxSteps, "distill.steps", $"distill.steps must be between 1 and {PruneSpec.MaxSteps}.");
        errors.Check(BatchSize is >= 1 and <= 1024, "distill.batchSize", "distill.batchSize must be between 1 and 1024.");
        errors.Check(LearningRate is > 0 and <= 1, "distill.learningRate", "distill.learningRate must be in (0, 1].");
        errors.Check(PixelLosses.Contains(PixelLoss), "distill.pixelLoss", $"distill.pixelLoss must be one of {string.Join(", ", PixelLosses)}.");
        errors.Check(FeatureWeight is null or (>= 0 and <= 100), "distill.featureWeight", "distill.featureWeight must be between 0 and 100.");
        errors.Check(FeatureWeight is null or 0 || parentHasTestSplit, "distill.featureWeight",
            $"The feature term compares images under the classifier of the parent's dataset '{parent.Dataset}', which has no test split to train one on: leave featureWeight out or 0.");
    }
}
