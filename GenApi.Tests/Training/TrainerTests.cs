using GenApi.Worker.Compute;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <remarks>Resumes are asserted byte-equal: see <see cref="SingleThreadedKernels"/>.</remarks>
public sealed class TrainerTests : SingleThreadedKernels
{
    private static readonly ImageDataset Shapes = SyntheticShapes.Create();
    private static readonly ModelConfig Tiny = new(28, 1, LatentDim: 16, BaseChannels: 8);

    private static TrainingSettings Settings(int steps, long seed = 7) =>
        new() { Steps = steps, BatchSize = 16, Seed = seed, CheckpointEvery = 1000, SampleEvery = 1000 };

    private static List<TrainingProgress> Train(Trainer trainer, ImageDataset data)
    {
        var reports = new List<TrainingProgress>();
        trainer.Train(data, new TrainingHooks { Progress = reports.Add, ReportInterval = TimeSpan.Zero }, CancellationToken.None);
        return reports;
    }

    [Theory]
    [InlineData(28, 1)]
    [InlineData(32, 3)]
    [InlineData(64, 3)]
    public void Networks_HaveTheShapesOfTheirConfig(int size, int channels)
    {
        using var scope = NewDisposeScope();
        var config = new ModelConfig(size, channels, LatentDim: 8, BaseChannels: 4);
        using var generator = new DcganGenerator(config);
        using var discriminator = new DcganDiscriminator(config);
        var images = generator.call(randn(3, 8));
        Assert.Equal(new long[] { 3, channels, size, size }, images.shape);
        Assert.Equal(new long[] { 3 }, discriminator.call(images).shape);
    }

    [Fact]
    public void Train_ProducesFiniteLosses_OnSyntheticShapes()
    {
        using var trainer = ModelFamilies.CreateTrainer(Tiny, Settings(5), CPU);
        var reports = Train(trainer, Shapes);
        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.LossD) && double.IsFinite(r.LossG) && r.LossD > 0 && r.LossG > 0));
        Assert.All(reports, r => Assert.True(r.ImagesPerSecond > 0));
    }

    [Fact]
    public void Train_WithTheSameSeed_GivesTheSameLosses()
    {
        using var first = ModelFamilies.CreateTrainer(Tiny, Settings(3, seed: 11), CPU);
        using var second = ModelFamilies.CreateTrainer(Tiny, Settings(3, seed: 11), CPU);
        using var other = ModelFamilies.CreateTrainer(Tiny, Settings(3, seed: 12), CPU);
        var a = Train(first, Shapes);
        var b = Train(second, Shapes);
        var c = Train(other, Shapes);
        Assert.Equal(a.Select(r => (r.LossD, r.LossG)), b.Select(r => (r.LossD, r.LossG)));
        Assert.NotEqual(a[0].LossD, c[0].LossD);
    }

    [Fact]
    public void Train_FailsWithAReadableReason_WhenALossBecomesNaN()
    {
        using var poisoned = Shapes.Images.clone().fill_(float.NaN);
        var data = new ImageDataset("poisoned", poisoned, Shapes.Labels, Shapes.ClassCount);
        using var trainer = ModelFamilies.CreateTrainer(Tiny, Settings(3), CPU);
        var error = Assert.Throws<TrainingDivergedException>(() => Train(trainer, data));
        Assert.Equal("loss D became NaN at step 1; try a lower learning rate.", error.Message);
    }

    [Fact]
    public void Train_StopsBetweenSteps_WhenCanceled()
    {
        using var trainer = ModelFamilies.CreateTrainer(Tiny, Settings(1000), CPU);
        using var cancel = new CancellationTokenSource();
        var hooks = new TrainingHooks { Progress = p => { if (p.Step == 2) cancel.Cancel(); }, ReportInterval = TimeSpan.Zero };
        Assert.Throws<OperationCanceledException>(() => trainer.Train(Shapes, hooks, cancel.Token));
        Assert.Equal(2, trainer.Step);
    }

    // Every knob that carries state across steps at once: EMA, schedule position, accumulation, critic updates,
    // penalty mixing weights, instance noise, label sampling, augmentation draws, the KL weight's warm-up.
    public static TheoryData<string, TrainingSettings> KitchenSinks => new()
    {
        { "gan", Settings(6) with { Loss = "lsgan", LabelSmoothing = 0.1, Dropout = 0.3, EmaDecay = 0.9, L2 = 1e-4, Schedule = new() { Type = "cosine", WarmupSteps = 2 } } },
        { "cdcgan", Settings(6) with { Loss = "hinge", InstanceNoise = 0.1, AccumulateSteps = 2, ClipGradNorm = 1.0, OptimizerD = new() { Type = "rmsprop", LearningRate = 1e-3, Momentum = 0.5 } } },
        { "wgan-gp", Settings(6) with { Loss = "wasserstein", GradientPenalty = 10, NCritic = 2, OptimizerG = new() { LearningRate = 1e-4, Beta1 = 0, Beta2 = 0.9 }, Schedule = new() { Type = "step", StepSize = 2, Gamma = 0.5 } } },
        { "vae", Settings(6) with { Reconstruction = "mse", Beta = 0.5, EmaDecay = 0.5, L1 = 1e-5, OptimizerG = new() { Type = "sgd", LearningRate = 1e-3, Momentum = 0.9, Nesterov = true } } },
        { "cvae", Settings(6) with { AccumulateSteps = 2, OptimizerG = new() { Type = "adagrad", LearningRate = 1e-2 }, Schedule = new() { Type = "polynomial", Power = 2 } } },
        { "dcgan", Settings(6) with { OptimizerG = new() { Type = "adamw", WeightDecay = 0.01 }, LrScaling = "sqrt", Schedule = new() { Type = "exponential", TimeConstant = 3 } } },
        { "cdcgan", Settings(6) with { Loss = "hinge", SpectralNorm = true, R1 = 1, R1Interval = 2, OptimizerD = new() { Beta1 = 0 }, OptimizerG = new() { Beta1 = 0 } } },
        { "dcgan", Settings(6) with { Augment = [DiffAugment.Color, DiffAugment.Translation, DiffAugment.Cutout], NCritic = 2 } },
        { "vae", Settings(6) with { KlWarmupSteps = 4, FreeBits = 0.1 } },
        // Mixed precision: fp32 masters, optimizer moments and BN statistics in the checkpoint; fp16's loss scale too.
        { "dcgan", Settings(6) with { Precision = Precision.Bf16, EmaDecay = 0.9, L2 = 1e-4, AccumulateSteps = 2 } },
        { "cdcgan", Settings(6) with { Precision = Precision.Fp16, Loss = "hinge", SpectralNorm = true, R1 = 1, R1Interval = 2, Augment = [DiffAugment.Translation, DiffAugment.Color], ClipGradNorm = 1.0 } },
        { "wgan-gp", Settings(6) with { Precision = Precision.Bf16, Loss = "wasserstein", GradientPenalty = 10, NCritic = 2, Dropout = 0.2 } },
        { "gan", Settings(6) with { Precision = Precision.Bf16, Dropout = 0.3, EmaDecay = 0.9 } },
    };

    private static ModelConfig TinyOf(string family, TrainingSettings settings) =>
        Tiny with { Family = family, Classes = ModelFamilies.Get(family).Conditional ? SyntheticShapes.Classes : 0, Ema = settings.EmaDecay > 0 };

    [Theory]
    [MemberData(nameof(KitchenSinks))]
    public void EveryFamily_ResumedFromCheckpoint_MatchesAnUninterruptedRun(string family, TrainingSettings settings)
    {
        var (uninterrupted, resumed, _) = AssertResumeIsExact(TinyOf(family, settings), settings, Shapes);
        uninterrupted.Dispose();
        resumed.Dispose();
    }

    /// <summary>
    /// Trains <paramref name="settings"/>' steps in one go (a checkpoint at step 3) and again from that checkpoint, and asserts
    /// that the resumed run reports the same losses and learning rates and ends with the same progress grid.
    /// </summary>
    /// <returns>Both trainers (the caller disposes them) and the uninterrupted run's reports.</returns>
    public static (Trainer Uninterrupted, Trainer Resumed, List<TrainingProgress> Expected) AssertResumeIsExact(
        ModelConfig config, TrainingSettings settings, ImageDataset data)
    {
        var folder = TestPaths.NewScratch();
        var uninterrupted = ModelFamilies.CreateTrainer(config, settings with { CheckpointEvery = 3 }, CPU);
        var expected = new List<TrainingProgress>();
        uninterrupted.Train(data, new TrainingHooks
        {
            Progress = expected.Add, ReportInterval = TimeSpan.Zero,
            Checkpoint = t => { if (t.Step == 3) t.SaveCheckpoint(folder); },
        }, CancellationToken.None);
        Assert.All(expected, r => Assert.True(double.IsFinite(r.LossD) && double.IsFinite(r.LossG)));

        var resumed = ModelFamilies.CreateTrainer(config, settings, CPU);
        resumed.LoadCheckpoint(folder);
        var actual = Train(resumed, data);

        Assert.Equal(expected.Skip(3).Select(r => (r.Step, r.LossD, r.LossG, r.LearningRate)), actual.Select(r => (r.Step, r.LossD, r.LossG, r.LearningRate)));
        using var grid = uninterrupted.SampleProgressGrid();
        using var resumedGrid = resumed.SampleProgressGrid();
        Assert.True(grid.equal(resumedGrid).all().item<bool>(), "the sampled generators differ");
        return (uninterrupted, resumed, expected);
    }

    [Fact]
    public void Ema_TrailsTheTrainedGenerator()
    {
        using var trainer = (LatentTrainer)ModelFamilies.CreateTrainer(Tiny with { Ema = true }, Settings(4) with { EmaDecay = 0.99 }, CPU);
        Train(trainer, Shapes);
        Assert.NotSame(trainer.Generator, trainer.SamplingGenerator);
        var trained = trainer.Generator.parameters().First();
        var average = trainer.SamplingGenerator.parameters().First();
        Assert.False(trained.equal(average).all().item<bool>());
    }

    [Fact]
    public void AnAbsurdLearningRate_FailsWithAReadableReason()
    {
        var settings = Settings(50) with { OptimizerD = new() { Type = "sgd", LearningRate = 10 }, OptimizerG = new() { Type = "sgd", LearningRate = 10 }, Loss = "lsgan" };
        using var trainer = ModelFamilies.CreateTrainer(Tiny with { Family = "gan" }, settings, CPU);
        var error = Assert.Throws<TrainingDivergedException>(() => Train(trainer, Shapes));
        Assert.Matches(@"^loss [DG] became (NaN|infinite) at step \d+; try a lower learning rate\.$", error.Message);
    }
}
