using System.Diagnostics;
using System.Text.Json;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// The training loop every family shares: data order, learning-rate schedule, gradient accumulation, clipping,
/// L1/L2 penalties, the generator's EMA, progress reports, checkpoints and divergence checks. Everything a
/// resumed run needs (weights, optimizer moments, EMA, step, noise RNG) is in its checkpoint, and the data order
/// and learning rate are pure functions of seed and step, so a resumed run continues exactly where the original stopped.
/// Every update goes through an <see cref="UpdateGuard"/>: a non-finite one is recomputed from the same inputs.
/// </summary>
public abstract class Trainer : IDisposable
{
    private readonly List<(string File, string Network, OptimizerHelper Optimizer, double BaseLr, Parameter[] Parameters, LowPrecisionUpdate? LowPrecision)> _optimizers = [];
    private readonly List<(string File, ExponentialMovingAverage Average)> _averages = [];
    private readonly List<LowPrecisionCopy> _computeCopies = [];
    private const string LossScaleSuffix = ".loss-scale.json";
    private static readonly JsonSerializerOptions ScalerJson = new() { IncludeFields = true };
    private Tensor? _images, _labels, _order;
    private long _orderEpoch = -1, _nextBatch, _batchesPerEpoch;
    private UpdateGuard _guard = new();
    private RecomputeState? _state;

    /// <param name="family">The family that built this trainer: its networks, files and loss names.</param>
    protected Trainer(IFamilyNetworks family, ModelConfig config, TrainingSettings settings, Device device)
    {
        Family = family;
        Config = config;
        Settings = settings;
        Device = device;
        // Weight initialisation draws from the global generator; seeding it makes runs reproducible.
        manual_seed(settings.Seed);
        NoiseRandom = new Generator((ulong)settings.Seed, device);
    }

    public ModelConfig Config { get; }
    protected IFamilyNetworks Family { get; }
    protected TrainingSettings Settings { get; }
    protected Device Device { get; }
    protected Generator NoiseRandom { get; }

    /// <summary>Completed steps.</summary>
    public int Step { get; private set; }

    /// <summary>Networks saved in checkpoints, by file name.</summary>
    protected abstract IEnumerable<(string File, nn.Module Module)> Networks { get; }

    /// <summary>Real batches one step consumes.</summary>
    protected abstract int BatchesPerStep { get; }

    /// <summary>One step; it adds its losses to the two sums: (D, G), or for VAEs (KL, negative ELBO).</summary>
    protected abstract void TrainStep(Tensor firstLossSum, Tensor secondLossSum);

    /// <summary>Columns of the progress grid; null lays it out square.</summary>
    public virtual int? ProgressColumns => null;

    /// <summary>The images of the progress grid (<c>[N, C, H, W]</c>, on the CPU) for fixed inputs, in eval mode.</summary>
    public abstract Tensor SampleProgressGrid();

    /// <summary>Makes the weights ready to sample before a checkpoint's evaluation or publication (e.g. batch-norm statistics).</summary>
    public virtual void PrepareForSampling()
    {
    }

    /// <summary>Scores the weights as they will be sampled, on <paramref name="dataset"/>'s test split.</summary>
    public abstract EvaluationResult Evaluate(Evaluation.Evaluator evaluator, string dataset, Action<string>? progress, CancellationToken cancellation, int? samples);

    /// <summary>Called once the training data is on the device, before the first step.</summary>
    protected virtual void OnData(Tensor images, Tensor labels)
    {
    }

    /// <summary>Call at the end of a subclass constructor, once every network exists.</summary>
    /// <param name="network">What messages call the update (as its loss is named: D, G, ELBO).</param>
    protected void AddOptimizer(string file, string network, OptimizerSettings settings, IEnumerable<Parameter> parameters)
    {
        var list = parameters.ToArray();
        var copies = _computeCopies.Where(c => list.Any(c.Owns)).ToArray();
        var lowPrecision = copies.Length == 0 ? null : new LowPrecisionUpdate(copies, list, Settings.Precision);
        _optimizers.Add((file, network, settings.Create(list), settings.LearningRate * Settings.LrFactor, list, lowPrecision));
    }

    /// <summary>
    /// The network forward and backward passes run on: <paramref name="master"/> itself in fp32, otherwise a copy in the job's
    /// precision whose gradients <see cref="Update"/> moves onto the master. Call before <see cref="AddOptimizer"/>.
    /// </summary>
    protected T Compute<T>(T master, Func<T> create) where T : nn.Module
    {
        if (Settings.Precision == Precision.Fp32) return master;
        var copy = create();
        copy.to(Device);
        _computeCopies.Add(new LowPrecisionCopy(master, copy, PrecisionSupport.DType(Settings.Precision)));
        return copy;
    }

    /// <summary>The type the compute copies take their inputs in.</summary>
    protected ScalarType ComputeType => PrecisionSupport.DType(Settings.Precision);

    /// <summary>Whether forward passes run on low-precision compute copies.</summary>
    protected bool MixedPrecision => Settings.Precision != Precision.Fp32;

    /// <summary>Keeps an EMA of <paramref name="network"/> in <paramref name="copy"/> (saved as <paramref name="file"/>) when emaDecay is set.</summary>
    /// <returns>The averaged copy, or <paramref name="network"/> itself when no EMA is kept.</returns>
    protected T KeepEma<T>(string file, T network, Func<T> copy) where T : nn.Module
    {
        if (Settings.EmaDecay <= 0) return network;
        var average = copy();
        average.to(Device);
        _averages.Add((file, new ExponentialMovingAverage(network, average, Settings.EmaDecay)));
        return average;
    }

    protected void UpdateEma()
    {
        foreach (var (_, average) in _averages) average.Update();
    }

    /// <summary>Runs from <see cref="Step"/> to the configured total; throws when canceled or diverged.</summary>
    public void Train(ImageDataset data, TrainingHooks hooks, CancellationToken cancellation)
    {
        var total = Settings.Steps;
        _batchesPerEpoch = data.Count / Settings.BatchSize;
        if (_batchesPerEpoch == 0)
            throw new ArgumentException($"batchSize {Settings.BatchSize} is larger than the dataset ({data.Count} images).");
        _images = data.Images.device == Device ? data.Images : data.Images.to(Device);
        _labels = data.Labels.device == Device ? data.Labels : data.Labels.to(Device);
        OnData(_images, _labels);
        _guard = new UpdateGuard(hooks.Faults, hooks.Recovered);
        // Everything an update's forward passes advance: the run's random stream and every buffer of the networks they run on.
        _state ??= new RecomputeState([NoiseRandom], () => Networks.Select(n => n.Module).Concat(_computeCopies.Select(c => c.Copy)));
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
                foreach (var (_, _, optimizer, baseLr, _, _) in _optimizers)
                {
                    var lr = Settings.Schedule.At(Step, total, baseLr);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                }
                using (NewDisposeScope()) TrainStep(firstSum, secondSum);
                // Every forward of the step advanced the copies' batch-norm and spectral-norm state: the masters keep it.
                foreach (var copy in _computeCopies) copy.PushBuffers();
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
        PrepareForSampling();
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

    /// <summary>Whether the update running now is a recomputation (its first try was not finite).</summary>
    protected bool Recomputing { get; private set; }

    /// <summary>
    /// One optimizer update: <see cref="TrainingSettings.AccumulateSteps"/> micro-batches of <paramref name="loss"/>
    /// (plus the L1/L2 penalties) summed into the gradients, clipped, then one step. The mean loss goes to <paramref name="lossSum"/>.
    /// A non-finite update is recomputed from the same batches, noise and buffers (<see cref="UpdateGuard"/>).
    /// </summary>
    /// <param name="weight">Share of this update in the step's reported loss (1/nCritic for a critic updated nCritic times).</param>
    /// <param name="onAttempt">Resets what the subclass's <paramref name="loss"/> gathers across micro-batches, before each try.</param>
    /// <param name="afterBackward">Runs after each try's backward passes, once their graphs are freed (in-place changes are safe again).</param>
    protected void Update(int optimizerIndex, Func<Tensor> loss, Tensor lossSum, double weight = 1.0, Action? onAttempt = null, Action? afterBackward = null)
    {
        var (_, name, optimizer, _, network, lowPrecision) = _optimizers[optimizerIndex];
        var micro = Settings.AccumulateSteps;
        var cursor = _nextBatch;
        _state!.Capture();
        var updateLoss = _guard.Run(name, Step + 1, network, () =>
        {
            onAttempt?.Invoke();
            optimizer.zero_grad();
            lowPrecision?.ZeroGradients();
            var scale = lowPrecision?.LossScale ?? 1.0;
            var sum = zeros(1, device: Device);
            for (var i = 0; i < micro; i++)
            {
                var value = loss();
                // L1/L2 are on the fp32 masters; their gradients add to the ones moved over from the compute copy.
                var penalty = Penalty(network);
                var objective = lowPrecision is null && penalty is not null ? value + penalty : value;
                var factor = scale / micro;
                (factor == 1 ? objective : objective * factor).backward();
                if (lowPrecision is not null && penalty is not null) (micro == 1 ? penalty : penalty / micro).backward();
                sum.add_(value.detach(), weight / micro);
            }
            lowPrecision?.MoveGradients();
            afterBackward?.Invoke();
            return sum;
        }, () =>
        {
            _nextBatch = cursor;
            _state.Restore();
            // Subclasses mirror some buffers on the host (an image pool's fill level).
            OnLoaded();
            Recomputing = true;
        }, persistentSkips: lowPrecision?.Scaled == true);
        Recomputing = false;
        if (updateLoss is null)
        {
            lowPrecision!.Overflowed(); // fp16: this update is skipped and the loss scale halved
            return;
        }
        lossSum.add_(updateLoss.squeeze());
        lowPrecision?.Clean();
        if (Settings.ClipGradNorm is { } maxNorm) ClipGradients(network, maxNorm);
        optimizer.step();
        lowPrecision?.Pull();
    }

    /// <summary>Files that make up a published model, a subset of a checkpoint's: the family's.</summary>
    public IReadOnlyList<string> ModelFiles => Family.ModelFiles;

    public void SaveCheckpoint(string folder)
    {
        foreach (var (file, module) in AllNetworks) module.save(Path.Combine(folder, file));
        foreach (var (file, _, optimizer, _, _, lowPrecision) in _optimizers)
        {
            using (var writer = new BinaryWriter(File.Create(Path.Combine(folder, file)))) optimizer.save_state_dict(writer);
            if (lowPrecision is not null) File.WriteAllText(Path.Combine(folder, file + LossScaleSuffix), JsonSerializer.Serialize(lowPrecision.State, ScalerJson));
        }
        using (var state = NoiseRandom.get_state())
            File.WriteAllBytes(Path.Combine(folder, "noise-rng.bin"), state.data<byte>().ToArray());
        ArtifactLayout.WriteState(folder, new CheckpointState(Step, Config));
    }

    public void LoadCheckpoint(string folder)
    {
        foreach (var (file, module) in AllNetworks) module.load(Path.Combine(folder, file));
        foreach (var (file, _, optimizer, _, _, lowPrecision) in _optimizers)
        {
            using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, file)))) optimizer.load_state_dict(reader);
            var scale = Path.Combine(folder, file + LossScaleSuffix);
            if (lowPrecision is not null && File.Exists(scale))
                lowPrecision.State = JsonSerializer.Deserialize<(double, int)>(File.ReadAllText(scale), ScalerJson);
        }
        foreach (var copy in _computeCopies) copy.Pull();
        using (var state = tensor(File.ReadAllBytes(Path.Combine(folder, "noise-rng.bin"))))
            NoiseRandom.set_state(state);
        Step = ArtifactLayout.ReadState(folder).Step;
        OnLoaded();
    }

    /// <summary>
    /// Starts from other weights (fine-tuning): each network from the first folder holding its file, an EMA copy from its own file
    /// or else its network's (a parent trained without EMA). Parameters missing there or of another shape (another class count's
    /// label layers) keep their fresh initialisation, as do networks no folder holds. Optimizers, schedule and step start fresh.
    /// </summary>
    /// <param name="folders">A model's folder and/or a checkpoint's, in order of preference.</param>
    /// <returns>What kept its fresh initialisation, as <c>file/parameter</c> (or <c>file</c> for a whole network).</returns>
    public IReadOnlyList<string> InitializeFrom(IReadOnlyList<string> folders)
    {
        var fresh = new List<string>();
        foreach (var (file, module) in AllNetworks)
        {
            var raw = _averages.Any(a => a.File == file) ? Networks.Select(n => n.File).FirstOrDefault(n => ArtifactLayout.Ema(n) == file) : null;
            var source = folders.Select(f => Path.Combine(f, file)).FirstOrDefault(File.Exists)
                ?? (raw is null ? null : folders.Select(f => Path.Combine(f, raw)).FirstOrDefault(File.Exists));
            if (source is null)
            {
                fresh.Add(file);
                continue;
            }
            var given = Models.WeightCodec.ReadState(source);
            try
            {
                using var noGrad = no_grad();
                foreach (var (name, target) in module.state_dict())
                {
                    if (!given.TryGetValue(name, out var value) || value.dtype != target.dtype) fresh.Add($"{file}/{name}");
                    else if (value.shape.SequenceEqual(target.shape)) target.copy_(value);
                    else if (LabelPlanesDiffer(value, target))
                    {
                        // An input layer that sees the image then one plane per class: the image's weights carry over.
                        target.narrow(1, 0, Config.Channels).copy_(value.narrow(1, 0, Config.Channels));
                        fresh.Add($"{file}/{name}[:, {Config.Channels}:]");
                    }
                    else fresh.Add($"{file}/{name}");
                }
            }
            finally
            {
                foreach (var value in given.Values) value.Dispose();
            }
        }
        foreach (var copy in _computeCopies) copy.Pull();
        return fresh;
    }

    // Shapes that differ only in input channels, beyond the image's: another class count's label planes.
    private bool LabelPlanesDiffer(Tensor given, Tensor target) =>
        given.dim() == target.dim() && given.dim() >= 2 && given.shape[1] > Config.Channels && target.shape[1] > Config.Channels
        && Enumerable.Range(0, (int)given.dim()).All(axis => axis == 1 || given.shape[axis] == target.shape[axis]);

    /// <summary>Called after a checkpoint replaced the weights.</summary>
    protected virtual void OnLoaded()
    {
    }

    /// <summary>Writes the files of a published model (its family's <see cref="ModelFiles"/>) into <paramref name="folder"/>, as
    /// safetensors (models published before them, in TorchSharp's format, still load: <see cref="Models.WeightCodec.Load"/>).</summary>
    public void SaveModel(string folder)
    {
        foreach (var (file, module) in AllNetworks.Where(n => ModelFiles.Contains(n.File))) Models.WeightCodec.SaveSafetensors(module, Path.Combine(folder, file));
    }

    public virtual void Dispose()
    {
        NoiseRandom.Dispose();
        foreach (var (_, _, optimizer, _, _, _) in _optimizers) optimizer.Dispose();
        _state?.Dispose();
        foreach (var copy in _computeCopies) copy.Dispose();
        foreach (var (_, average) in _averages) average.Dispose();
        foreach (var (_, module) in Networks) module.Dispose();
        GC.SuppressFinalize(this);
    }

    private IEnumerable<(string File, nn.Module Module)> AllNetworks =>
        Networks.Concat(_averages.Select(a => (a.File, a.Average.Average)));

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
        var names = Family.LossNames;
        CheckFinite(names.Item1, sums[0], step - steps + 1, step);
        CheckFinite(names.Item2, sums[1], step - steps + 1, step);
        var lr = _optimizers[0].Optimizer.ParamGroups.First().LearningRate;
        hooks.Progress?.Invoke(new TrainingProgress(step, total, sums[0] / steps, sums[1] / steps,
            steps * Settings.BatchSize * Settings.AccumulateSteps / Math.Max(elapsed.TotalSeconds, 1e-9), lr, _guard.RecoveredUpdates));
    }

    private static void CheckFinite(string network, float sum, int from, int to)
    {
        if (float.IsFinite(sum)) return;
        var what = float.IsNaN(sum) ? "NaN" : "infinite";
        var when = from == to ? $"at step {to}" : $"between steps {from} and {to}";
        throw new TrainingDivergedException($"loss {network} became {what} {when}; try a lower learning rate.");
    }
}
