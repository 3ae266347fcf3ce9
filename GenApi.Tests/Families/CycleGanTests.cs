using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Families.CycleGan;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Families;

/// <summary>CycleGAN's parts on tiny tensors: networks, losses against hand-computed values, the image pool, resume.</summary>
public sealed class CycleGanTests : Training.SingleThreadedKernels
{
    private static readonly ImageDataset Shapes = SyntheticShapes.Create();

    /// <summary>squares → circles on the built-in shapes, 8 channels wide.</summary>
    public static ModelConfig Tiny(int size = 28) =>
        new JobSpec { Model = CycleGanFamily.Id, Dataset = "synthetic", BaseChannels = 8, Domains = new DomainPair("square", "circle") }
            .ModelConfig(new DatasetShape(28, 1, SyntheticShapes.ClassNames), size);

    [Theory]
    [InlineData(28, 5)]
    [InlineData(32, 6)]
    [InlineData(64, 6)]
    public void Networks_KeepTheImageShape_AndScorePatches(int size, int patches)
    {
        var config = Tiny(size);
        using var translator = new ResnetTranslator(config);
        using var critic = new PatchDiscriminator(config);
        using var images = rand(3, 1, size, size) * 2 - 1;
        using var translated = translator.call(images);
        Assert.Equal(new long[] { 3, 1, size, size }, translated.shape);
        Assert.True(translated.abs().max().item<float>() <= 1f);
        using var scores = critic.call(images);
        Assert.Equal(new long[] { 3, 1, patches, patches }, scores.shape);
    }

    [Fact]
    public void Losses_MatchHandComputedValues()
    {
        using var fake = tensor(new[] { 0.5f, 1.5f });
        // G: mean((0.5 − 1)², (1.5 − 1)²) = 0.25
        Assert.Equal(0.25, CycleLoss.Generator(fake).item<float>(), 6);
        using var real = tensor(new[] { 1f, 0f });
        using var fakeScores = tensor(new[] { 0.5f });
        // D: ½·(mean(0², (−1)²) + 0.5²) = ½·(0.5 + 0.25)
        Assert.Equal(0.375, CycleLoss.Discriminator(real, fakeScores).item<float>(), 6);
        using var a = tensor(new[] { 0f, 1f, -1f, 0.5f });
        using var b = tensor(new[] { 0.5f, 1f, 0f, 0f });
        // L1: (0.5 + 0 + 1 + 0.5) / 4
        Assert.Equal(0.5, CycleLoss.L1(a, b).item<float>(), 6);
    }

    [Fact]
    public void ImagePool_StoresUntilFull_ThenShowsHistoryOrNew_AndKeepsWhatItDidNotShow()
    {
        using var random = new Generator(7);
        using var pool = new ImagePool(3, 1, 2, CPU);
        // Distinct constant images: image k is all k.
        Tensor Images(params float[] values) => stack(values.Select(v => full(new long[] { 1, 2, 2 }, v)));
        using var first = pool.Query(Images(1, 2), random);
        Assert.Equal([1f, 2f], Values(first));
        Assert.Equal(2, pool.Count);
        // One more fills it (passed on as is); the other goes through the swap.
        using var second = pool.Query(Images(3, 4), random);
        Assert.Equal(3, pool.Count);
        Assert.Equal(3f, Values(second)[0]);
        Assert.Contains(Values(second)[1], new[] { 1f, 2f, 3f, 4f });
        for (var i = 0; i < 5; i++)
            using (pool.Query(Images(10 + i, 100 + i), random)) { }
        Assert.Equal(3, pool.Count);
        using var empty = new ImagePool(0, 1, 2, CPU);
        using var passed = empty.Query(Images(5, 6), random);
        Assert.Equal([5f, 6f], Values(passed));
    }

    private static float[] Values(Tensor images) => images.flatten(1)[.., 0].data<float>().ToArray();

    [Fact]
    public void ImagePool_ShowsAStoredImage_WhenItSwaps()
    {
        using var random = new Generator(3);
        using var pool = new ImagePool(4, 1, 1, CPU);
        using (pool.Query(arange(4f).view(4, 1, 1, 1), random)) { }
        var history = new HashSet<float> { 0, 1, 2, 3 };
        var fromHistory = 0;
        for (var i = 0; i < 10; i++)
        {
            using var batch = full(new long[] { 4, 1, 1, 1 }, 100f + i);
            using var shown = pool.Query(batch, random);
            fromHistory += Values(shown).Count(v => v != 100f + i);
            foreach (var v in Values(shown)) Assert.True(v == 100f + i || v < 100f + i, $"{v} was never stored before query {i}");
        }
        Assert.InRange(fromHistory, 5, 35); // about half of 40
    }

    [Fact]
    public void Trainer_ResumedFromCheckpoint_MatchesAnUninterruptedRun()
    {
        var config = Tiny() with { Ema = true };
        var settings = ModelFamilies.Get(CycleGanFamily.Id).Defaults with
        {
            Steps = 6, BatchSize = 8, Seed = 5, CheckpointEvery = 3, SampleEvery = 6, PoolSize = 4, EmaDecay = 0.9, ClipGradNorm = 5,
        };
        var (uninterrupted, resumed, expected) = Training.TrainerTests.AssertResumeIsExact(config, settings, Shapes);
        using (uninterrupted)
        using (resumed)
        {
            // The schedule holds η0 for the first half, then decays linearly to 0; the pools came back with the checkpoint.
            Assert.Equal(2e-4, expected[2].LearningRate, 9);
            Assert.True(expected[5].LearningRate < expected[4].LearningRate);
            Assert.Equal((4, 4), ((CycleGanTrainer)resumed).PoolCounts);
            using var grid = uninterrupted.SampleProgressGrid();
            Assert.Equal(new long[] { 48, 1, 28, 28 }, grid.shape);
        }
    }

    [Fact]
    public void Trainer_LearnsTheCycle_OverAFewSteps()
    {
        var settings = ModelFamilies.Get(CycleGanFamily.Id).Defaults with { Steps = 40, BatchSize = 8, Seed = 2, CheckpointEvery = 40, SampleEvery = 40 };
        using var trainer = ModelFamilies.CreateTrainer(Tiny(), settings, CPU);
        var reports = new List<TrainingProgress>();
        trainer.Train(Shapes, new TrainingHooks { Progress = reports.Add, ReportInterval = TimeSpan.Zero }, CancellationToken.None);
        // G's loss is dominated by λ·cycle + identity at the start; both fall fast as the translators learn to keep the image.
        Assert.True(reports[^1].LossG < reports[0].LossG * 0.75, $"G loss {reports[0].LossG:0.###} → {reports[^1].LossG:0.###}");
    }
}
