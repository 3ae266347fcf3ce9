using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// The part GANs and VAEs share: a generator (a VAE's decoder) from noise z (and a label), its EMA, fixed progress
/// noise and batch-norm recalibration before sampling.
/// </summary>
public abstract class LatentTrainer : Trainer
{
    private const int ProgressSamples = 64;
    private const int CalibrationBatches = 8;
    private readonly Tensor _fixedNoise;
    private readonly Tensor? _fixedLabels;
    private int _calibratedAtStep = -1;
    private Tensor? _noise;

    protected LatentTrainer(IFamilyNetworks family, ModelConfig config, TrainingSettings settings, Device device) : base(family, config, settings, device)
    {
        Generator = (ImageGenerator)family.CreateNetwork(config, ArtifactLayout.GeneratorFile);
        Generator.to(device);
        // Drawn on the CPU so the progress grid shows the same latents on every device.
        using var fixedRandom = new Generator((ulong)settings.Seed + 7919);
        using (var noise = randn(new long[] { ProgressSamples, config.LatentDim }, generator: fixedRandom)) _fixedNoise = noise.to(device);
        if (config.Conditional) _fixedLabels = arange(ProgressSamples, device: device).remainder_(config.Classes);
    }

    /// <summary>The generator (a VAE's decoder) as trained.</summary>
    public ImageGenerator Generator { get; }

    /// <summary>What samples are drawn from: the EMA generator when one is kept.</summary>
    public ImageGenerator SamplingGenerator { get; private set; } = null!;

    /// <summary>Call at the end of a subclass constructor, once the generator exists.</summary>
    protected void KeepGeneratorEma() =>
        SamplingGenerator = KeepEma(ArtifactLayout.EmaFile, Generator, () => (ImageGenerator)Family.CreateNetwork(Config, ArtifactLayout.GeneratorFile));

    /// <summary>The encoder scored with the generator (VAEs); null for families without one.</summary>
    protected virtual LatentEncoder? Encoder => null;

    public override EvaluationResult Evaluate(Evaluation.Evaluator evaluator, string dataset, Action<string>? progress, CancellationToken cancellation, int? samples)
    {
        PrepareForSampling();
        return evaluator.Evaluate(SamplingGenerator, dataset, Step, progress, Encoder, cancellation, samples);
    }

    protected override void OnLoaded() => _calibratedAtStep = -1;

    /// <summary>Standard normal noise <c>[B, latent]</c> from the run's noise generator.</summary>
    /// <remarks>One buffer, refilled: no graph that is still to be back-propagated holds the previous noise when it is
    /// drawn again (each update runs its backward before the next draw).</remarks>
    protected Tensor Noise()
    {
        _noise ??= empty(new long[] { Settings.BatchSize, Config.LatentDim }, device: Device).DetachFromDisposeScope();
        return _noise.normal_(generator: NoiseRandom);
    }

    /// <summary>
    /// "Precise BN": re-estimates the sampled generator's batch-norm statistics for its current weights as an exact
    /// average over fresh noise. The running averages kept during training lag behind the weights (and early
    /// on still carry their initial values), which washes out eval-mode samples. Uses its own fixed-seed
    /// noise, so the training trajectory is untouched.
    /// </summary>
    public override void PrepareForSampling()
    {
        if (_calibratedAtStep == Step) return;
        var generator = SamplingGenerator;
        var norms = generator.modules().OfType<TorchSharp.Modules.BatchNorm>().ToList();
        // Nothing to re-estimate (e.g. recurrent decoders): no forward passes.
        if (norms.Count == 0)
        {
            _calibratedAtStep = Step;
            return;
        }
        var momenta = norms.Select(n => n.momentum).ToList();
        using var noGrad = no_grad();
        using var random = new Generator((ulong)Settings.Seed + 104_729, Device);
        using var scope = NewDisposeScope();
        var wasTraining = generator.training;
        try
        {
            foreach (var norm in norms)
            {
                norm.reset_running_stats();
                norm.momentum = null; // cumulative average
            }
            generator.train();
            for (var i = 0; i < CalibrationBatches; i++)
            {
                var z = empty(new long[] { ProgressSamples, Config.LatentDim }, device: Device).normal_(generator: random);
                generator.call(z, _fixedLabels);
            }
        }
        finally
        {
            for (var i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            generator.train(wasTraining);
        }
        _calibratedAtStep = Step;
    }

    /// <summary>The sampled generator's images for the fixed progress noise, in eval mode.</summary>
    public override Tensor SampleProgressGrid()
    {
        PrepareForSampling();
        using var noGrad = no_grad();
        var generator = SamplingGenerator;
        using var eval = EvalMode.Of(generator);
        return generator.call(_fixedNoise, _fixedLabels).cpu();
    }

    public override void Dispose()
    {
        _fixedNoise.Dispose();
        _fixedLabels?.Dispose();
        _noise?.Dispose();
        base.Dispose();
    }
}
