using TorchSharp;
using GenApi.Worker.Models;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// Trains a (conditional) VAE: encoder q(z|x) and decoder p(x|z) together with one optimizer on
/// reconstruction + β·KL, z drawn by the reparameterisation trick so gradients flow through the sampling.
/// </summary>
public sealed class VaeTrainer : LatentTrainer
{
    private readonly VaeEncoder _encoder;

    public VaeTrainer(ModelConfig config, TrainingSettings settings, Device device) : base(config, settings, device)
    {
        _encoder = new VaeEncoder(config).to(device);
        AddOptimizer("optimizer.bin", settings.OptimizerG, Generator.parameters().Concat(_encoder.parameters()));
        KeepGeneratorEma();
        Generator.train();
        _encoder.train();
    }

    protected override VaeEncoder Encoder => _encoder;

    protected override IEnumerable<(string File, nn.Module Module)> Networks => [(ArtifactLayout.GeneratorFile, Generator), (ArtifactLayout.EncoderFile, _encoder)];

    protected override int BatchesPerStep => Settings.AccumulateSteps;

    protected override void TrainStep(Tensor klSum, Tensor lossSum)
    {
        Tensor? kl = null;
        Update(0, () =>
        {
            var (images, labels) = NextBatch();
            var (mean, logVariance) = _encoder.call(images, Config.Conditional ? labels : null);
            // z = μ + σ·ε keeps the sample differentiable in μ and σ.
            var z = mean + (0.5 * logVariance).exp() * empty_like(mean).normal_(generator: NoiseRandom);
            var reconstructed = Generator.call(z, Config.Conditional ? labels : null);
            var klTerm = VaeLoss.Kl(mean, logVariance).mean();
            kl = kl is null ? klTerm.detach() : kl + klTerm.detach();
            return VaeLoss.Reconstruction(Settings.Reconstruction, reconstructed, images).mean() + Settings.Beta * klTerm;
        }, lossSum);
        klSum.add_(kl!, 1.0 / Settings.AccumulateSteps);
        UpdateEma();
    }
}
