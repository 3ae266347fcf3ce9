using System.Diagnostics;
using System.Text.Json;
using GenApi.Worker.Datasets;
using GenApi.Worker.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Worker.Training;

/// <summary>
/// Trains a DCGAN pair with the non-saturating BCE loss and Adam. Everything a resumed run needs
/// (weights, Adam moments, step, noise RNG) is in its checkpoint, and the data order is a pure
/// function of seed and step, so a resumed run continues exactly where the original stopped.
/// </summary>
public sealed class DcganTrainer : IDisposable
{
    private const int ProgressSamples = 64;
    private const int CalibrationBatches = 8;
    private readonly TrainingSettings _settings;
    private readonly Device _device;
    private readonly TorchSharp.Modules.Adam _optimizerG;
    private readonly TorchSharp.Modules.Adam _optimizerD;
    private readonly Generator _noiseRandom;
    private readonly Tensor _fixedNoise;
    private int _calibratedAtStep = -1;

    public DcganTrainer(DcganConfig config, TrainingSettings settings, Device device)
    {
        _settings = settings;
        _device = device;
        // Weight initialisation draws from the global generator; seeding it makes runs reproducible.
        manual_seed(settings.Seed);
        Generator = new DcganGenerator(config).to(device);
        Discriminator = new DcganDiscriminator(config).to(device);
        _optimizerG = optim.Adam(Generator.parameters(), settings.LearningRate, settings.Beta1, settings.Beta2);
        _optimizerD = optim.Adam(Discriminator.parameters(), settings.LearningRate, settings.Beta1, settings.Beta2);
        _noiseRandom = new Generator((ulong)settings.Seed, device);
        // Drawn on the CPU so the progress grid shows the same latents on every device.
        using var fixedRandom = new Generator((ulong)settings.Seed + 7919);
        using var noise = randn(new long[] { ProgressSamples, config.LatentDim, 1, 1 }, generator: fixedRandom);
        _fixedNoise = noise.to(device);
    }

    public DcganGenerator Generator { get; }
    public DcganDiscriminator Discriminator { get; }

    /// <summary>Completed steps.</summary>
    public int Step { get; private set; }

    /// <summary>Runs from <see cref="Step"/> to the configured total; throws when canceled or diverged.</summary>
    public void Train(ImageDataset data, TrainingHooks hooks, CancellationToken cancellation)
    {
        var batch = _settings.BatchSize;
        var total = _settings.Steps;
        var batchesPerEpoch = (int)(data.Count / batch);
        if (batchesPerEpoch == 0)
            throw new ArgumentException($"batchSize {batch} is larger than the dataset ({data.Count} images).");

        var images = data.Images.device == _device ? data.Images : data.Images.to(_device);
        using var realTarget = ones(batch, device: _device);
        using var fakeTarget = zeros(batch, device: _device);
        using var noise = empty(new long[] { batch, Generator.Config.LatentDim, 1, 1 }, device: _device);
        // Losses are summed on the device and read back only when reporting: no host sync per step.
        using var lossSums = zeros(2, device: _device);

        Tensor? order = null;
        var orderEpoch = -1L;
        var clock = Stopwatch.StartNew();
        var reportedStep = Step;
        var reportedAt = TimeSpan.Zero;
        Generator.train();
        Discriminator.train();
        try
        {
            while (Step < total)
            {
                cancellation.ThrowIfCancellationRequested();
                var epoch = (long)Step / batchesPerEpoch;
                if (epoch != orderEpoch)
                {
                    order?.Dispose();
                    order = EpochOrder(data.Count, epoch);
                    orderEpoch = epoch;
                }

                using (NewDisposeScope())
                {
                    var real = images.index_select(0, order!.narrow(0, Step % batchesPerEpoch * batch, batch));
                    noise.normal_(generator: _noiseRandom);
                    var fake = Generator.call(noise);

                    _optimizerD.zero_grad();
                    var lossD = binary_cross_entropy_with_logits(Discriminator.call(real), realTarget)
                              + binary_cross_entropy_with_logits(Discriminator.call(fake.detach()), fakeTarget);
                    lossD.backward();
                    _optimizerD.step();

                    _optimizerG.zero_grad();
                    var lossG = binary_cross_entropy_with_logits(Discriminator.call(fake), realTarget);
                    lossG.backward();
                    _optimizerG.step();

                    lossSums.add_(stack(new[] { lossD.detach(), lossG.detach() }));
                }
                Step++;

                var checkpointDue = Step % _settings.CheckpointEvery == 0 || Step == total;
                var samplesDue = Step % _settings.SampleEvery == 0 || Step == total;
                // A checkpoint is only written after the losses since the last report proved finite.
                if (checkpointDue || clock.Elapsed - reportedAt >= hooks.ReportInterval)
                {
                    Report(hooks, lossSums, Step - reportedStep, clock.Elapsed - reportedAt, batch, total);
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
            order?.Dispose();
            if (!ReferenceEquals(images, data.Images)) images.Dispose();
        }
        RecalibrateBatchNorm();
    }

    /// <summary>
    /// "Precise BN": re-estimates the generator's batch-norm statistics for its current weights as an exact
    /// average over fresh noise. The running averages kept during training lag behind the weights (and early
    /// on still carry their initial values), which washes out eval-mode samples. Uses its own fixed-seed
    /// noise, so the training trajectory is untouched.
    /// </summary>
    public void RecalibrateBatchNorm()
    {
        if (_calibratedAtStep == Step) return;
        var norms = Generator.modules().OfType<TorchSharp.Modules.BatchNorm2d>().ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        using var noGrad = no_grad();
        using var random = new Generator((ulong)_settings.Seed + 104_729, _device);
        using var noise = empty(new long[] { ProgressSamples, Generator.Config.LatentDim, 1, 1 }, device: _device);
        try
        {
            foreach (var norm in norms)
            {
                norm.reset_running_stats();
                norm.momentum = null; // cumulative average
            }
            Generator.train();
            for (var i = 0; i < CalibrationBatches; i++)
            {
                noise.normal_(generator: random);
                Generator.call(noise).Dispose();
            }
        }
        finally
        {
            for (var i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
        }
        _calibratedAtStep = Step;
    }

    /// <summary>The generator's images for the fixed progress noise, in eval mode.</summary>
    public Tensor SampleProgressGrid()
    {
        RecalibrateBatchNorm();
        using var noGrad = no_grad();
        Generator.eval();
        try { return Generator.call(_fixedNoise).cpu(); }
        finally { Generator.train(); }
    }

    public void SaveCheckpoint(string folder)
    {
        Generator.save(Path.Combine(folder, "generator.pt"));
        Discriminator.save(Path.Combine(folder, "discriminator.pt"));
        SaveOptimizer(_optimizerG, Path.Combine(folder, "optimizer-g.bin"));
        SaveOptimizer(_optimizerD, Path.Combine(folder, "optimizer-d.bin"));
        using (var state = _noiseRandom.get_state())
            File.WriteAllBytes(Path.Combine(folder, "noise-rng.bin"), state.data<byte>().ToArray());
        File.WriteAllText(Path.Combine(folder, "state.json"), JsonSerializer.Serialize(new CheckpointState(Step, Generator.Config)));
    }

    public void LoadCheckpoint(string folder)
    {
        Generator.load(Path.Combine(folder, "generator.pt"));
        Discriminator.load(Path.Combine(folder, "discriminator.pt"));
        LoadOptimizer(_optimizerG, Path.Combine(folder, "optimizer-g.bin"));
        LoadOptimizer(_optimizerD, Path.Combine(folder, "optimizer-d.bin"));
        using (var state = tensor(File.ReadAllBytes(Path.Combine(folder, "noise-rng.bin"))))
            _noiseRandom.set_state(state);
        Step = CheckpointState.Read(folder).Step;
    }

    public void Dispose()
    {
        _fixedNoise.Dispose();
        _noiseRandom.Dispose();
        _optimizerG.Dispose();
        _optimizerD.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
    }

    private Tensor EpochOrder(long count, long epoch)
    {
        using var random = new Generator((ulong)_settings.Seed * 1_000_003UL + (ulong)epoch);
        using var order = randperm(count, generator: random);
        return order.to(_device);
    }

    private void Report(TrainingHooks hooks, Tensor lossSums, int steps, TimeSpan elapsed, int batch, int total)
    {
        if (steps == 0) return;
        float[] sums;
        using (var host = lossSums.cpu()) sums = host.data<float>().ToArray();
        lossSums.zero_();
        var step = Step;
        CheckFinite("D", sums[0], step - steps + 1, step);
        CheckFinite("G", sums[1], step - steps + 1, step);
        hooks.Progress?.Invoke(new TrainingProgress(step, total, sums[0] / steps, sums[1] / steps,
            steps * batch / Math.Max(elapsed.TotalSeconds, 1e-9), _settings.LearningRate));
    }

    private static void CheckFinite(string network, float sum, int from, int to)
    {
        if (float.IsFinite(sum)) return;
        var what = float.IsNaN(sum) ? "NaN" : "infinite";
        var when = from == to ? $"at step {to}" : $"between steps {from} and {to}";
        throw new TrainingDivergedException($"loss {network} became {what} {when}; try a lower learning rate.");
    }

    private static void SaveOptimizer(TorchSharp.Modules.OptimizerHelper optimizer, string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        optimizer.save_state_dict(writer);
    }

    private static void LoadOptimizer(TorchSharp.Modules.OptimizerHelper optimizer, string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        optimizer.load_state_dict(reader);
    }

    /// <summary>What a checkpoint folder's state.json holds.</summary>
    public sealed record CheckpointState(int Step, DcganConfig Config)
    {
        public static CheckpointState Read(string folder) =>
            JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, "state.json")))!;
    }
}
