using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using static TorchSharp.torch;

namespace GenApi.Worker.Families.Adversarial;

/// <summary>The original GAN (Goodfellow et al. 2014): multilayer perceptrons for both networks.</summary>
public sealed class GanFamily : AdversarialFamily
{
    public const string Id = "gan";
    public override string Name => Id;
    public override string Summary => "MLP generator and discriminator (Goodfellow et al. 2014).";

    /// <summary>The convolutional GANs' fields but spectral norm, which is built for D's convolutions.</summary>
    public override IReadOnlyCollection<string> Fields { get; } =
        [JobFields.OptimizerD, JobFields.LatentDim, .. TrainingFields.Of(SettingGroup.Adversarial).Where(f => f != JobFields.SpectralNorm), .. JobFields.ImageShape];

    protected override int DiscriminatorBlocks(int imageSize) => MlpDiscriminator.HiddenBlocks;

    protected override ImageGenerator CreateGenerator(ModelConfig config) => new MlpGenerator(config);

    protected override ImageDiscriminator CreateDiscriminator(ModelConfig config, TrainingSettings settings, Func<Generator> noise) =>
        new MlpDiscriminator(config, settings.Dropout, noise);
}
