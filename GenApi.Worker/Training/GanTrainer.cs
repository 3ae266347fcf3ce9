using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Losses;
using GenApi.Worker.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// Trains a generator against a discriminator (or critic): <c>nCritic</c> D updates then one G update per step, with
/// the selected adversarial loss, optional gradient penalty, R1, label smoothing, instance noise, DiffAugment and D dropout.
/// </summary>
public sealed class GanTrainer : LatentTrainer
{
    private const int OptimizerG = 0, OptimizerD = 1;
    private readonly ImageDiscriminator _discriminator;
    // What forward passes run on: the networks themselves in fp32, their low-precision copies otherwise.
    private readonly ImageGenerator _computeGenerator;
    private readonly ImageDiscriminator _computeDiscriminator;
    private Tensor? _realTarget;
    private (Tensor Images, Tensor Z, Tensor? Labels)? _lastFake;
    private RecomputeState? _generatorBuffers;
    private bool _regenerated;

    /// <param name="createDiscriminator">The family's discriminator, given the trainer's random stream (for seeded dropout).</param>
    public GanTrainer(IFamilyNetworks family, ModelConfig config, TrainingSettings settings, Device device, Func<Func<Generator>, ImageDiscriminator> createDiscriminator)
        : base(family, config, settings, device)
    {
        _discriminator = createDiscriminator(() => NoiseRandom);
        _discriminator.to(device);
        _computeGenerator = Compute(Generator, () => (ImageGenerator)family.CreateNetwork(config, ArtifactLayout.GeneratorFile));
        _computeDiscriminator = Compute(_discriminator, () => createDiscriminator(() => NoiseRandom));
        _computeGenerator.train();
        _computeDiscriminator.train();
        AddOptimizer("optimizer-g.bin", "G", settings.OptimizerG, Generator.parameters());
        // FreezeD: the frozen blocks leave the optimizer, and their compute copies stop taking gradients too.
        var trainedD = _discriminator.Freeze(settings.FreezeD);
        if (!ReferenceEquals(_computeDiscriminator, _discriminator)) _computeDiscriminator.Freeze(settings.FreezeD);
        AddOptimizer("optimizer-d.bin", "D", settings.OptimizerD, trainedD);
        KeepGeneratorEma();
        Generator.train();
        _discriminator.train();
    }

    public ImageDiscriminator Discriminator => _discriminator;

    protected override IEnumerable<(string File, nn.Module Module)> Networks =>
        [(ArtifactLayout.GeneratorFile, Generator), ("discriminator.pt", _discriminator)];

    protected override int BatchesPerStep => Settings.NCritic * Settings.AccumulateSteps;

    // The common case (one D update of one micro-batch) lets G's update reuse D's fake batch, as the PyTorch DCGAN
    // example does: one generator forward per step instead of two.
    private bool ReuseFake => Settings.NCritic == 1 && Settings.AccumulateSteps == 1;

    protected override void TrainStep(Tensor lossD, Tensor lossG)
    {
        _realTarget ??= full(Settings.BatchSize, 1.0 - Settings.LabelSmoothing, device: Device).DetachFromDisposeScope();
        for (var i = 0; i < Settings.NCritic; i++)
            Update(OptimizerD, DiscriminatorLoss, lossD, 1.0 / Settings.NCritic);
        Update(OptimizerG, GeneratorLoss, lossG, afterBackward: PutBackGeneratorBuffers);
        _lastFake = null;
        UpdateEma();
    }

    private Tensor DiscriminatorLoss()
    {
        var (real, labels) = NextBatch();
        var fakeLabels = Config.Conditional ? labels : null;
        var z = Noise();
        var fake = Generate(z, fakeLabels);
        if (ReuseFake) _lastFake = (fake, z, fakeLabels);
        var fakeInput = fake.detach();
        var loss = AdversarialObjective.Discriminator(Settings.Loss,
            Critic(Augmented(WithInstanceNoise(real)), fakeLabels), Critic(Augmented(WithInstanceNoise(fakeInput)), fakeLabels), _realTarget!);
        // Lazy R1: every R1Interval steps, weighted by the interval so its average strength is γ/2 per step.
        if (Settings.R1 > 0 && Step % Settings.R1Interval == 0)
            loss += Settings.R1 / 2 * Settings.R1Interval * R1Penalty.Of(x => Critic(x, fakeLabels), real);
        if (Settings.GradientPenalty <= 0) return loss;
        var alpha = empty(new long[] { Settings.BatchSize, 1, 1, 1 }, device: Device).uniform_(0, 1, generator: NoiseRandom);
        return loss + Settings.GradientPenalty * AdversarialObjective.GradientPenalty(x => Critic(x, fakeLabels), real, fakeInput, alpha);
    }

    private Tensor GeneratorLoss()
    {
        var (fake, labels) = _lastFake is { } last ? (Recomputing ? Regenerate(last.Z, last.Labels) : last.Images, last.Labels) : NewFake();
        return AdversarialObjective.Generator(Settings.Loss, Critic(Augmented(WithInstanceNoise(fake)), labels));
    }

    // The first try's backward freed D's fake batch's graph: a recomputation generates it again from the same z. That
    // forward advances the generator's batch-norm statistics a second time; they are put back after backward (batch
    // norm's backward reads them, so not before), and the run goes on as a clean one would.
    private Tensor Regenerate(Tensor z, Tensor? labels)
    {
        _generatorBuffers ??= new RecomputeState([], () => [_computeGenerator]);
        _generatorBuffers.Capture();
        _regenerated = true;
        return Generate(z, labels);
    }

    private void PutBackGeneratorBuffers()
    {
        if (!_regenerated) return;
        _regenerated = false;
        _generatorBuffers!.Restore();
    }

    private (Tensor, Tensor?) NewFake()
    {
        var labels = Config.Conditional
            ? randint(Config.Classes, new long[] { Settings.BatchSize }, dtype: int64, device: Device, generator: NoiseRandom)
            : null;
        return (Generate(Noise(), labels), labels);
    }

    private Tensor Generate(Tensor z, Tensor? labels) => MixedPrecision ? _computeGenerator.call(z.to(ComputeType), labels) : Generator.call(z, labels);

    // D's scores in fp32 whatever the compute type, so the losses and penalties are computed in full precision.
    private Tensor Critic(Tensor images, Tensor? labels) =>
        MixedPrecision ? _computeDiscriminator.call(images.to(ComputeType), labels).to(ScalarType.Float32) : _discriminator.call(images, labels);

    // DiffAugment: real and fake alike, in D's and G's updates, so G learns the data and not the augmentation.
    private Tensor Augmented(Tensor images) => Settings.Augment.Count == 0 ? images : DiffAugmentation.Apply(images, Settings.Augment, NoiseRandom);

    // Instance noise (Sønderby et al. 2016): blurs real and fake distributions together early on, annealed to none.
    private Tensor WithInstanceNoise(Tensor images)
    {
        if (Settings.InstanceNoise <= 0) return images;
        var sigma = Settings.InstanceNoise * Math.Max(0, 1 - Step / (double)Settings.Steps);
        return images + empty_like(images).normal_(generator: NoiseRandom) * sigma;
    }

    public override void Dispose()
    {
        _realTarget?.Dispose();
        _generatorBuffers?.Dispose();
        base.Dispose();
    }
}
