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
        [JobFields.OptimizerD, JobFields.LatentDim, .. TrainingFields.Of(SettingGroup.Adversarial), .. JobFields.ImageShape];

    public (string First, string Second) LossNames => ("D", "G");
    public virtual TrainingSettings Defaults { get; } = new();
    public int DefaultLatentDim => 100;
    public IReadOnlyList<string> ModelFiles { get; } = [ArtifactLayout.GeneratorFile, ArtifactLayout.EmaFile];

    public virtual void Validate(JobSpec spec, DatasetShape? data, FieldErrors e)
    {
        var t = spec.Training;
        e.Check(t.LabelSmoothing == 0 || AdversarialLoss.HasTargets(t.Loss), "labelSmoothing", $"Label smoothing applies to the bce and lsgan losses, not '{t.Loss}'.");
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
