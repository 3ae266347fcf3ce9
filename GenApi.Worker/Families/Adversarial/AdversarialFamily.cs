using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Worker.Families.Adversarial;

/// <summary>What the noise-to-image GANs share: a generator against a discriminator (or critic), the adversarial
/// losses and their knobs, DCGAN-paper defaults.</summary>
public abstract class AdversarialFamily : IModelFamily
{
    public abstract string Name { get; }
    public abstract string Summary { get; }
    public virtual bool Conditional => false;
    public FamilyOperations Operations => FamilyOperations.Sample;

    public IReadOnlyList<string> Metrics =>
        Conditional ? [.. SampleMetricNames, SweepMetric.ConditionalAccuracy] : SampleMetricNames;

    internal static IReadOnlyList<string> SampleMetricNames { get; } =
        [SweepMetric.FrechetDistance, SweepMetric.Kid, SweepMetric.Precision, SweepMetric.Recall];

    public virtual IReadOnlyCollection<string> Fields { get; } =
    [
        JobFields.OptimizerD, JobFields.LatentDim, JobFields.Loss, JobFields.NCritic, JobFields.GradientPenalty,
        JobFields.LabelSmoothing, JobFields.InstanceNoise, JobFields.Dropout, JobFields.SpectralNorm, JobFields.R1, JobFields.R1Interval,
        JobFields.Augment, JobFields.Precision, JobFields.FreezeD, .. JobFields.ImageShape,
    ];

    public (string First, string Second) LossNames => ("D", "G");
    public virtual TrainingSettings Defaults { get; } = new();
    public int DefaultLatentDim => 100;
    public IReadOnlyList<string> ModelFiles { get; } = [ArtifactLayout.GeneratorFile, ArtifactLayout.EmaFile];

    public virtual void Validate(JobSpec spec, DatasetShape? data, FieldErrors e)
    {
        var t = spec.Training;
        e.Check(AdversarialLoss.Kinds.Contains(t.Loss), "loss", $"Unknown loss '{t.Loss}'; expected one of: {string.Join(", ", AdversarialLoss.Kinds)}.");
        e.Check(t.LabelSmoothing == 0 || AdversarialLoss.HasTargets(t.Loss), "labelSmoothing", $"Label smoothing applies to the bce and lsgan losses, not '{t.Loss}'.");
        e.Check(t.GradientPenalty is >= 0 and <= 1000, "gradientPenalty", "gradientPenalty must be between 0 and 1000.");
        e.Check(t.NCritic is >= 1 and <= 100, "nCritic", "nCritic must be between 1 and 100.");
        e.Check(t.LabelSmoothing is >= 0 and < 0.5, "labelSmoothing", "labelSmoothing must be in [0, 0.5).");
        e.Check(t.InstanceNoise is >= 0 and <= 2, "instanceNoise", "instanceNoise must be in [0, 2].");
        e.Check(t.Dropout is >= 0 and < 1, "dropout", "dropout must be in [0, 1).");
        e.Check(t.R1 is >= 0 and <= 1000, JobFields.R1, "r1 must be between 0 and 1000.");
        e.Check(t.R1Interval is >= 1 and <= 1000, JobFields.R1Interval, "r1Interval must be between 1 and 1000.");
        e.Check(t.Augment.All(DiffAugment.Policies.Contains) && t.Augment.Distinct().Count() == t.Augment.Count, JobFields.Augment,
            $"augment takes each of {string.Join(", ", DiffAugment.Policies)} at most once.");
        e.Check(Precision.Kinds.Contains(t.Precision), JobFields.Precision, $"Unknown precision '{t.Precision}'; expected one of: {string.Join(", ", Precision.Kinds)}.");
        if (t.FreezeD == 0) return;
        var blocks = DiscriminatorBlocks(spec.ImageSize ?? data?.Size ?? ModelConfig.SupportedSizes[0]);
        e.Check(t.FreezeD > 0 && t.FreezeD <= blocks, JobFields.FreezeD,
            $"freezeD must be between 0 and {blocks}: a {spec.ImageSize}×{spec.ImageSize} {Name} discriminator has {blocks} feature blocks below its logit.");
        e.Check(spec.InitFrom is not null, JobFields.FreezeD, "freezeD keeps pretrained discriminator layers: it needs initFrom.");
    }

    /// <summary>The feature blocks of this family's discriminator at <paramref name="imageSize"/> (what freezeD can hold).</summary>
    protected virtual int DiscriminatorBlocks(int imageSize) => DcganDiscriminator.BlockCountFor(new ModelConfig(imageSize, 1));

    public Trainer CreateTrainer(ModelConfig config, TrainingSettings settings, Device device) =>
        new GanTrainer(this, config, settings, device, noise => CreateDiscriminator(config, settings, noise));

    public nn.Module CreateNetwork(ModelConfig config, string file) => file switch
    {
        ArtifactLayout.GeneratorFile or ArtifactLayout.EmaFile => CreateGenerator(config),
        _ => throw new ArgumentException($"A {Name} model has no network file '{file}'."),
    };

    protected virtual ImageGenerator CreateGenerator(ModelConfig config) => new DcganGenerator(config);

    /// <param name="noise">The trainer's random stream (for D's seeded dropout).</param>
    protected virtual ImageDiscriminator CreateDiscriminator(ModelConfig config, TrainingSettings settings, Func<Generator> noise) =>
        new DcganDiscriminator(config, settings.Dropout, layerNorm: settings.GradientPenalty > 0, noise, settings.SpectralNorm);
}
