using GenApi.Worker.Datasets;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

public sealed class TrainerTests
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
        using var trainer = Trainer.Create(Tiny, Settings(5), CPU);
        var reports = Train(trainer, Shapes);
        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.LossD) && double.IsFinite(r.LossG) && r.LossD > 0 && r.LossG > 0));
        Assert.All(reports, r => Assert.True(r.ImagesPerSecond > 0));
    }

    [Fact]
    public void Train_WithTheSameSeed_GivesTheSameLosses()
    {
        using var first = Trainer.Create(Tiny, Settings(3, seed: 11), CPU);
        using var second = Trainer.Create(Tiny, Settings(3, seed: 11), CPU);
        using var other = Trainer.Create(Tiny, Settings(3, seed: 12), CPU);
        var a = Train(first, Shapes);
        var b = Train(second, Shapes);
        var c = Train(other, Shapes);
        Assert.Equal(a.Select(r => (r.LossD, r.LossG)), b.Select(r => (r.LossD, r.LossG)));
        Assert.NotEqual(a[0].LossD, c[0].LossD);
    }

    [Fact]
    public void Train_ResumedFromCheckpoint_MatchesAnUninterruptedRun()
    {
        var folder = TestPaths.NewScratch();
        using var uninterrupted = Trainer.Create(Tiny, Settings(6), CPU);
        var expected = Train(uninterrupted, Shapes);

        using (var firstHalf = Trainer.Create(Tiny, Settings(6) with { Steps = 3 }, CPU))
        {
            Train(firstHalf, Shapes);
            firstHalf.SaveCheckpoint(folder);
        }
        using var resumed = Trainer.Create(Tiny, Settings(6), CPU);
        resumed.LoadCheckpoint(folder);
        Assert.Equal(3, resumed.Step);
        var actual = Train(resumed, Shapes);

        Assert.Equal(expected.Skip(3).Select(r => (r.Step, r.LossD, r.LossG)), actual.Select(r => (r.Step, r.LossD, r.LossG)));
    }

    [Fact]
    public void Train_FailsWithAReadableReason_WhenALossBecomesNaN()
    {
        using var poisoned = Shapes.Images.clone().fill_(float.NaN);
        var data = new ImageDataset("poisoned", poisoned, Shapes.Labels, Shapes.ClassCount);
        using var trainer = Trainer.Create(Tiny, Settings(3), CPU);
        var error = Assert.Throws<TrainingDivergedException>(() => Train(trainer, data));
        Assert.Equal("loss D became NaN at step 1; try a lower learning rate.", error.Message);
    }

    [Fact]
    public void Train_StopsBetweenSteps_WhenCanceled()
    {
        using var trainer = Trainer.Create(Tiny, Settings(1000), CPU);
        using var cancel = new CancellationTokenSource();
        var hooks = new TrainingHooks { Progress = p => { if (p.Step == 2) cancel.Cancel(); }, ReportInterval = TimeSpan.Zero };
        Assert.Throws<OperationCanceledException>(() => trainer.Train(Shapes, hooks, cancel.Token));
        Assert.Equal(2, trainer.Step);
    }
}
