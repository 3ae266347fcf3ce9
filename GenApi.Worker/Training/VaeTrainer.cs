using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Losses;
using GenApi.Worker.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// Trains a (conditional, or recurrent) VAE: encoder q(z|x) and decoder p(x|z) together with one optimizer on
/// reconstruction + β·KL, z drawn by the reparameterisation trick so gradients flow through the sampling. β can be
/// annealed from 0 and the KL can be given free bits, the usual guards against posterior collapse.
/// </summary>
public sealed class VaeTrainer : LatentTrainer
{
    private readonly LatentEncoder _encoder;

    public VaeTrainer(IFamilyNetworks family, ModelConfig config, TrainingSettings settings, Device device) : base(family, config, settings, device)
    {
        _encoder = (LatentEncoder)family.CreateNetwork(config, ArtifactLayout.EncoderFile);
        _encoder.to(device);
        AddOptimizer("optimizer.bin", "ELBO", settings.OptimizerG, Generator.parameters().Concat(_encoder.parameters()));
        KeepGeneratorEma();
        Generator.train();
        _encoder.train();
    }

    protected override LatentEncoder Encoder => _encoder;

    protected override IEnumerable<(string File, nn.Module Module)> Networks => [(ArtifactLayout.GeneratorFile, Generator), (ArtifactLayout.EncoderFile, _encoder)];

    protected override int BatchesPerStep => Settings.AccumulateSteps;

    protected override void TrainStep(Tensor klSum, Tensor lossSum)
    {
        Tensor? kl = null;
        var beta = KlAnnealing.Weight(Settings.Beta, Step, Settings.KlWarmupSteps);
        Update(0, () =>
        {
            var (images, labels) = NextBatch();
            var conditioning = Config.Conditional ? labels : null;
            var (mean, logVariance) = _encoder.call(images, conditioning);
            // z = μ + σ·ε keeps the sample differentiable in μ and σ.
            var z = LatentEncoder.Reparameterize(mean, logVariance, NoiseRandom);
            var reconstructed = Generator.Decode(z, conditioning, images, NoiseRandom);
            var klTerm = VaeObjective.Kl(mean, logVariance).mean();
            kl = kl is null ? klTerm.detach() : kl + klTerm.detach();
            var klObjective = Settings.FreeBits > 0 ? VaeObjective.FreeBitsKl(mean, logVariance, Settings.FreeBits) : klTerm;
            return VaeObjective.Reconstruction(Settings.Reconstruction, reconstructed, images).mean() + beta * klObjective;
        }, lossSum, onAttempt: () => kl = null);
        klSum.add_(kl!, 1.0 / Settings.AccumulateSteps);
        UpdateEma();
    }
}
