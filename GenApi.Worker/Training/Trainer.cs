using System.Diagnostics;
using System.Text.Json;
using GenApi.Worker.Datasets;
using GenApi.Worker.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// The training loop every family shares: data order, learning-rate schedule, gradient accumulation, clipping,
/// L1/L2 penalties, the generator's EMA, progress reports, checkpoints and divergence checks. Everything a
/// resumed run needs (weights, optimizer moments, EMA, step, noise RNG) is in its checkpoint, and the data order
/// and learning rate are pure functions of seed and step, so a resumed run continues exactly where the original stopped.
/// </summary>
public abstract class Trainer : IDisposable
{
    private const int ProgressSamples = 64;
    private const int CalibrationBatches = 8;
    private readonly Tensor _fixedNoise;
    private readonly Tensor? _fixedLabels;
    private readonly List<(string File, OptimizerHelper Optimizer, double BaseLr, Parameter[] Parameters)> _optimizers = [];
    private ExponentialMovingAverage? _ema;
    private int _calibratedAtStep = -1;
    private Tensor? _images, _labels, _order, _noise;
    private long _orderEpoch = -1, _nextBatch, _batchesPerEpoch;

    protected Trainer(ModelConfig config, TrainingSettings settings, Device device)
    {
        Config = config;
        Settings = settings;
        Device = device;
        // Weight initialisation draws from the global generator; seeding it makes runs reproducible.
        manual_seed(settings.Seed);
        Generator = ModelFamily.CreateGenerator(config).to(device);
        NoiseRandom = new Generator((ulong)settings.Seed, device);
        // Drawn on the CPU so the progress grid shows the same latents on every device.
        using var fixedRandom = new Generator((ulong)settings.Seed + 7919);
        using (var noise = randn(new long[] { ProgressSamples, config.LatentDim }, generator: fixedRandom)) _fixedNoise = noise.to(device);
        if (config.Conditional) _fixedLabels = arange(ProgressSamples, device: device).remainder_(config.Classes);
    }

    /// <summary>Builds the trainer of <paramref name="config"/>'s family.</summary>
    public static Trainer Create(ModelConfig config, TrainingSettings settings, Device device) =>
        ModelFamily.IsVae(config.Family) ? new VaeTrainer(config, settings, device) : new GanTrainer(config, settings, device);

    public ModelConfig Config { get; }
    protected TrainingSettings Settings { get; }
    protected Device Device { get; }
    protected Generator NoiseRandom { get; }

    /// <summary>The generator (a VAE's decoder) as trained.</summary>
    public ImageGenerator Generator { get; }

    /// <summary>What samples are drawn from: the EMA generator when one is kept.</summary>
    public ImageGenerator SamplingGenerator => _ema?.Average ?? Generator;

    /// <summary>Completed steps.</summary>
    public int Step { get; private set; }

    /// <summary>Networks saved in checkpoints, by file name.</summary>
    protected abstract IEnumerable<(string File, nn.Module Module)> Networks { get; }

    /// <summary>Real batches one step consumes.</summary>
    protected abstract int BatchesPerStep { get; }

    /// <summary>One step; it adds its losses to the two sums: (D, G), or for VAEs (KL, negative ELBO).</summary>
    protected abstract void TrainStep(Tensor firstLossSum, Tensor secondLossSum);

    /// <summary>Call at the end of a subclass constructor, once every network exists.</summary>
    protected void AddOptimizer(string file, OptimizerSettings settings, IEnumerable<Parameter> parameters)
    {
        var list = parameters.ToArray();
        _optimizers.Add((file, settings.Create(list), settings.LearningRate * Settings.LrFactor, list));
    }

    protected void KeepEma()
    {
        if (Settings.EmaDecay <= 0) return;
        _ema = new ExponentialMovingAverage(Generator, ModelFamily.CreateGenerator(Config).to(Device), Settings.EmaDecay);
    }

    protected void UpdateEma() => _ema?.Update();

    /// <summary>Runs from <see cref="Step"/> to the configured total; throws when canceled or diverged.</summary>
    public void Train(ImageDataset data, TrainingHooks hooks, CancellationToken cancellation)
    {
        var total = Settings.Steps;
        _batchesPerEpoch = data.Count / Settings.BatchSize;
        if (_batchesPerEpoch == 0)
            throw new ArgumentException($"batchSize {Settings.BatchSize} is larger than the dataset ({data.Count} images).");
        _images = data.Images.device == Device ? data.Images : data.Images.to(Device);
        _labels = data.Labels.device == Device ? data.Labels : data.Labels.to(Device);
        // Losses are summed on the device and read back only when reporting: no host sync per step.
        using var lossSums = zeros(2, device: Device);
        using var firstSum = lossSums[0];
        using var secondSum = lossSums[1];
        var clock = Stopwatch.StartNew();
        var reportedStep = Step;
        var reportedAt = TimeSpan.Zero;
        try
        {
            while (Step < total)
            {
                cancellation.ThrowIfCancellationRequested();
                _nextBatch = (long)Step * BatchesPerStep;
                foreach (var (_, optimizer, baseLr, _) in _optimizers)
                {
                    var lr = Settings.Schedule.At(Step, total, baseLr);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                }
                using (NewDisposeScope()) TrainStep(firstSum, secondSum);
                Step++;

                var checkpointDue = Step % Settings.CheckpointEvery == 0 || Step == total;
                var samplesDue = Step % Settings.SampleEvery == 0 || Step == total;
                // A checkpoint is only written after the losses since the last report proved finite.
                if (checkpointDue || clock.Elapsed - reportedAt >= hooks.ReportInterval)
                {
                    Report(hooks, lossSums, Step - reportedStep, clock.Elapsed - reportedAt, total);
                    reportedStep = Step;
                    reportedAt = clock.Elapsed;
                }
                if (samplesDue && hooks.Samples is { } samples)
                {
                    using var grid = SampleProgressGrid();
                    samples(grid);
                }
                if (checkpointDue) hooks.Checkpoint?.Invoke(this);
            }
        }
        finally
        {
            _order?.Dispose();
            _order = null;
            _orderEpoch = -1;
            if (!ReferenceEquals(_images, data.Images)) _images?.Dispose();
            if (!ReferenceEquals(_labels, data.Labels)) _labels?.Dispose();
        }
        RecalibrateBatchNorm();
    }

    /// <summary>The next real batch of this step: images <c>[B, C, H, W]</c> and labels <c>[B]</c>.</summary>
    protected (Tensor Images, Tensor Labels) NextBatch()
    {
        var epoch = _nextBatch / _batchesPerEpoch;
        if (epoch != _orderEpoch)
        {
            _order?.Dispose();
            using var random = new Generator((ulong)Settings.Seed * 1_000_003UL + (ulong)epoch);
            using var order = randperm(_images!.shape[0], generator: random);
            // Lives across steps: out of the step's dispose scope.
            _order = order.to(Device).DetachFromDisposeScope();
            _orderEpoch = epoch;
        }
        var indexes = _order!.narrow(0, _nextBatch % _batchesPerEpoch * Settings.BatchSize, Settings.BatchSize);
        _nextBatch++;
        return (_images!.index_select(0, indexes), _labels!.index_select(0, indexes));
    }

    /// <summary>
    /// One optimizer update: <see cref="TrainingSettings.AccumulateSteps"/> micro-batches of <paramref name="loss"/>
    /// (plus the L1/L2 penalties) summed into the gradients, clipped, then one step. The mean loss goes to <paramref name="lossSum"/>.
    /// </summary>
    /// <param name="weight">Share of this update in the step's reported loss (1/nCritic for a critic updated nCritic times).</param>
    protected void Update(int optimizerIndex, Func<Tensor> loss, Tensor lossSum, double weight = 1.0)
    {
        var (_, optimizer, _, network) = _optimizers[optimizerIndex];
        var micro = Settings.AccumulateSteps;
        optimizer.zero_grad();
        for (var i = 0; i < micro; i++)
        {
            var value = loss();
            var objective = Penalty(network) is { } penalty ? value + penalty : value;
            (micro == 1 ? objective : objective / micro).backward();
            lossSum.add_(value.detach(), weight / micro);
        }
        if (Settings.ClipGradNorm is { } maxNorm) ClipGradients(network, maxNorm);
        optimizer.step();
    }

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
    public void RecalibrateBatchNorm()
    {
        if (_calibratedAtStep == Step) return;
        var generator = SamplingGenerator;
        var norms = generator.modules().OfType<TorchSharp.Modules.BatchNorm>().ToList();
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
    public Tensor SampleProgressGrid()
    {
        RecalibrateBatchNorm();
        using var noGrad = no_grad();
        var generator = SamplingGenerator;
        var wasTraining = generator.training;
        generator.eval();
        try { return generator.call(_fixedNoise, _fixedLabels).cpu(); }
        finally { generator.train(wasTraining); }
    }

    /// <summary>Files that make up a published model, a subset of a checkpoint's.</summary>
    public static IReadOnlyList<string> ModelFiles { get; } = [GeneratorFile, EmaFile, EncoderFile];

    public const string GeneratorFile = "generator.pt";
    public const string EmaFile = "generator-ema.pt";
    public const string EncoderFile = "encoder.pt";

    public void SaveCheckpoint(string folder)
    {
        foreach (var (file, module) in AllNetworks) module.save(Path.Combine(folder, file));
        foreach (var (file, optimizer, _, _) in _optimizers)
        {
            using var writer = new BinaryWriter(File.Create(Path.Combine(folder, file)));
            optimizer.save_state_dict(writer);
        }
        using (var state = NoiseRandom.get_state())
            File.WriteAllBytes(Path.Combine(folder, "noise-rng.bin"), state.data<byte>().ToArray());
        File.WriteAllText(Path.Combine(folder, "state.json"), JsonSerializer.Serialize(new CheckpointState(Step, Config)));
    }

    public void LoadCheckpoint(string folder)
    {
        foreach (var (file, module) in AllNetworks) module.load(Path.Combine(folder, file));
        foreach (var (file, optimizer, _, _) in _optimizers)
        {
            using var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, file)));
            optimizer.load_state_dict(reader);
        }
        using (var state = tensor(File.ReadAllBytes(Path.Combine(folder, "noise-rng.bin"))))
            NoiseRandom.set_state(state);
        Step = CheckpointState.Read(folder).Step;
        _calibratedAtStep = -1;
    }

    /// <summary>Writes the files of a published model (generator, EMA generator, encoder) into <paramref name="folder"/>.</summary>
    public void SaveModel(string folder)
    {
        foreach (var (file, module) in AllNetworks.Where(n => ModelFiles.Contains(n.File))) module.save(Path.Combine(folder, file));
    }

    public virtual void Dispose()
    {
        _fixedNoise.Dispose();
        _fixedLabels?.Dispose();
        _noise?.Dispose();
        NoiseRandom.Dispose();
        foreach (var (_, optimizer, _, _) in _optimizers) optimizer.Dispose();
        _ema?.Dispose();
        foreach (var (_, module) in Networks) module.Dispose();
        GC.SuppressFinalize(this);
    }

    private IEnumerable<(string File, nn.Module Module)> AllNetworks =>
        _ema is null ? Networks : Networks.Append((EmaFile, _ema.Average));

    private Tensor? Penalty(Parameter[] network)
    {
        if (Settings.L1 <= 0 && Settings.L2 <= 0) return null;
        Tensor? sum = null;
        // Weights only: penalising biases and normalisation scales is not what L1/L2 regularisation means.
        foreach (var weight in network.Where(p => p.dim() > 1))
        {
            if (Settings.L1 > 0) sum = sum is null ? weight.abs().sum() * Settings.L1 : sum + weight.abs().sum() * Settings.L1;
            if (Settings.L2 > 0) sum = sum is null ? weight.square().sum() * Settings.L2 : sum + weight.square().sum() * Settings.L2;
        }
        return sum;
    }

    // clip_grad_norm_ returns the norm as a host double (one device sync per step); this stays on the device.
    private static void ClipGradients(Parameter[] network, double maxNorm)
    {
        var gradients = network.Select(p => p.grad).OfType<Tensor>().ToList();
        if (gradients.Count == 0) return;
        using var noGrad = no_grad();
        var total = stack(gradients.Select(g => g.square().sum())).sum().sqrt();
        var factor = (maxNorm / (total + 1e-6)).clamp_max(1.0);
        foreach (var gradient in gradients) gradient.mul_(factor);
    }

    private void Report(TrainingHooks hooks, Tensor lossSums, int steps, TimeSpan elapsed, int total)
    {
        if (steps == 0) return;
        float[] sums;
        using (var host = lossSums.cpu()) sums = host.data<float>().ToArray();
        lossSums.zero_();
        var step = Step;
        var names = ModelFamily.IsVae(Config.Family) ? ("KL", "ELBO") : ("D", "G");
        CheckFinite(names.Item1, sums[0], step - steps + 1, step);
        CheckFinite(names.Item2, sums[1], step - steps + 1, step);
        var lr = _optimizers[0].Optimizer.ParamGroups.First().LearningRate;
        hooks.Progress?.Invoke(new TrainingProgress(step, total, sums[0] / steps, sums[1] / steps,
            steps * Settings.BatchSize * Settings.AccumulateSteps / Math.Max(elapsed.TotalSeconds, 1e-9), lr));
    }

    private static void CheckFinite(string network, float sum, int from, int to)
    {
        if (float.IsFinite(sum)) return;
        var what = float.IsNaN(sum) ? "NaN" : "infinite";
        var when = from == to ? $"at step {to}" : $"between steps {from} and {to}";
        throw new TrainingDivergedException($"loss {network} became {what} {when}; try a lower learning rate.");
    }

    /// <summary>What a checkpoint folder's state.json holds.</summary>
    public sealed record CheckpointState(int Step, ModelConfig Config)
    {
        public static CheckpointState Read(string folder) =>
            JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, "state.json")))!;
    }
}
