using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Worker.Families.Variational;

/// <summary>What the VAEs share (Kingma &amp; Welling 2013): an encoder and a decoder trained on reconstruction + β·KL with one optimizer.</summary>
public abstract class VariationalFamily : IModelFamily
{
    public abstract string Name { get; }
    public abstract string Summary { get; }
    public virtual bool Conditional => false;
    public FamilyOperations Operations => FamilyOperations.Sample | FamilyOperations.Reconstruct;

    public IReadOnlyList<string> Metrics =>
        [SweepMetric.FrechetDistance, SweepMetric.Kid, SweepMetric.Precision, SweepMetric.Recall, SweepMetric.ReconstructionError,
         .. Conditional ? new[] { SweepMetric.ConditionalAccuracy } : []];

    public virtual IReadOnlyCollection<string> Fields { get; } =
        [.. JobFields.ImageShape, .. KlFields];

    /// <summary>The fields of every VAE: the latent and the objective.</summary>
    protected static IReadOnlyList<string> KlFields { get; } =
        [JobFields.LatentDim, .. TrainingFields.Of(SettingGroup.Variational)];

    public virtual bool Sequences => false;

    public virtual string? WhyNot(string field) => field switch
    {
        JobFields.OptimizerD => "a VAE trains encoder and decoder together with optimizerG",
        JobFields.Loss => "a VAE has no discriminator; its loss is reconstruction + β·KL (see reconstruction and klWeight)",
        JobFields.NCritic or JobFields.GradientPenalty or JobFields.LabelSmoothing or JobFields.InstanceNoise or JobFields.Dropout =>
            "it applies to GANs only: a VAE has no discriminator",
        _ => null,
    };

    public (string First, string Second) LossNames => ("KL", "ELBO");

    public virtual TrainingSettings Defaults { get; } = new()
    {
        OptimizerG = new OptimizerSettings { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999 },
        OptimizerD = new OptimizerSettings { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999 },
    };

    public int DefaultLatentDim => 32;
    public IReadOnlyList<string> ModelFiles { get; } = [ArtifactLayout.GeneratorFile, ArtifactLayout.EmaFile, ArtifactLayout.EncoderFile];

    // Every VAE setting is checked by its declaration (TrainingSettings); a variant adds what spans several.
    public virtual void Validate(JobSpec spec, DatasetShape? data, FieldErrors e) { }

    public Trainer CreateTrainer(ModelConfig config, TrainingSettings settings, Device device) => new VaeTrainer(this, config, settings, device);

    public nn.Module CreateNetwork(ModelConfig config, string file) => file switch
    {
        ArtifactLayout.GeneratorFile or ArtifactLayout.EmaFile => CreateDecoder(config),
        ArtifactLayout.EncoderFile => CreateEncoder(config),
        _ => throw new ArgumentException($"A {Name} model has no network file '{file}'."),
    };

    /// <summary>p(x|z): the convolutional VAEs' is the DCGAN generator.</summary>
    protected virtual ImageGenerator CreateDecoder(ModelConfig config) => new DcganGenerator(config);

    /// <summary>q(z|x).</summary>
    protected virtual LatentEncoder CreateEncoder(ModelConfig config) => new VaeEncoder(config);
}

/// <summary>The VAE with convolutional encoder and decoder.</summary>
public sealed class VaeFamily : VariationalFamily
{
    public const string Id = "vae";
    public override string Name => Id;
    public override string Summary => "Variational autoencoder (Kingma & Welling 2013): samples, and reconstructs images through its encoder.";
}

/// <summary>The class-conditional VAE (Sohn et al. 2015): encoder and decoder see the label.</summary>
public sealed class CvaeFamily : VariationalFamily
{
    public const string Id = "cvae";
    public override string Name => Id;
    public override string Summary => "Class-conditional VAE (Sohn et al. 2015): samples per class (needs a labelled dataset).";
    public override bool Conditional => true;
}
