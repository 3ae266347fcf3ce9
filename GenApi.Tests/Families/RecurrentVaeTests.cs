using GenApi.Tests.Training;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Families.Recurrent;
using GenApi.Worker.Losses;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Families;

/// <summary>The recurrent VAE's networks, objective and training, on the engine alone (the API side is in RecurrentVaeApiTests).</summary>
public sealed class RecurrentVaeTests : Training.SingleThreadedKernels
{
    private static readonly ImageDataset Waves = SyntheticSequences.Create();

    /// <summary>A tiny rvae over univariate 64-step sequences.</summary>
    public static ModelConfig Tiny(string cell = RecurrentShape.Gru, bool bidirectional = true, int classes = 0, int layers = 1) =>
        new(SyntheticSequences.Steps, 1, LatentDim: 4, Family: classes > 0 ? CrvaeFamily.Id : RvaeFamily.Id, Classes: classes,
            Recurrent: new RecurrentShape(1, 16, layers, cell, bidirectional, SequenceValues.Unit(1)));

    private static TrainingSettings Settings(int steps) => new RvaeFamily().Defaults with
    {
        Steps = steps, BatchSize = 16, Seed = 3, CheckpointEvery = 1000, SampleEvery = 1000, KlWarmupSteps = 4,
    };

    [Theory]
    [InlineData(RecurrentShape.Gru, true, 0, 1)]
    [InlineData(RecurrentShape.Lstm, false, 0, 2)]
    [InlineData(RecurrentShape.Lstm, true, 3, 2)]
    public void EncoderAndDecoder_HaveTheShapesOfTheirConfig(string cell, bool bidirectional, int classes, int layers)
    {
        using var scope = NewDisposeScope();
        var config = Tiny(cell, bidirectional, classes, layers);
        using var encoder = new SequenceEncoder(config);
        using var decoder = new SequenceDecoder(config);
        var x = Waves.Images.narrow(0, 0, 5);
        var labels = classes > 0 ? Waves.Labels.narrow(0, 0, 5) : null;
        var (mean, logVariance) = encoder.call(x, labels);
        Assert.Equal(new long[] { 5, 4 }, mean.shape);
        Assert.Equal(new long[] { 5, 4 }, logVariance.shape);
        Assert.Equal(x.shape, decoder.call(mean, labels).shape);
        Assert.Equal(x.shape, decoder.Decode(mean, labels, x).shape);
    }

    [Fact]
    public void ImageRows_AreStepsOfTheirPixels_AndBackAgain()
    {
        using var scope = NewDisposeScope();
        var images = rand(2, 3, 4, 5);
        var steps = SequencePlanes.ToSteps(images);
        Assert.Equal(new long[] { 2, 4, 15 }, steps.shape);
        // step 1 holds row 1 of the red, green and blue planes, side by side
        Assert.True(steps[0, 1].equal(cat([images[0, 0, 1], images[0, 1, 1], images[0, 2, 1]])).all().item<bool>());
        Assert.True(SequencePlanes.ToPlanes(steps, 3).equal(images).all().item<bool>());
    }

    [Fact]
    public void TeacherForcing_FeedsTheTrueStep_WhileFreeRunningFeedsItsOwn()
    {
        using var scope = NewDisposeScope();
        using var decoder = new SequenceDecoder(Tiny());
        decoder.eval();
        using var noGrad = no_grad();
        var z = randn(3, 4);
        var free = decoder.call(z);
        // Forced on its own free-running output, the decoder reproduces it: the two paths are one network.
        Assert.True(decoder.Decode(z, null, free).allclose(free, rtol: 1e-4, atol: 1e-5));
        // Forced on other data, step 0 (which reads only zeros) is unchanged and later steps differ.
        var forced = decoder.Decode(z, null, Waves.Images.narrow(0, 0, 3));
        Assert.True(forced[.., .., 0].allclose(free[.., .., 0], atol: 1e-6));
        Assert.False(forced.allclose(free, atol: 1e-3));
    }

    [Fact]
    public void InputDropout_ZeroesTeacherForcedInputs_AndAtOneTheDecoderReadsOnlyZ()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = randn(3, 4);
        var (waves, others) = (Waves.Images.narrow(0, 0, 3), Waves.Images.narrow(0, 3, 3));
        using (var blind = new SequenceDecoder(Tiny() with { Recurrent = Tiny().Recurrent! with { InputDropout = 1 } }))
        {
            blind.eval();
            // Nothing of the target reaches it, and sampling runs exactly as training did.
            Assert.True(blind.Decode(z, null, waves).allclose(blind.Decode(z, null, others)));
            Assert.True(blind.call(z).allclose(blind.Decode(z, null, waves), atol: 1e-6));
        }
        using var half = new SequenceDecoder(Tiny() with { Recurrent = Tiny().Recurrent! with { InputDropout = 0.5 } });
        half.eval();
        var forced = half.Decode(z, null, waves);
        // Outside training (no random stream) every input is read; in training, the same seed drops the same steps.
        Assert.True(forced.allclose(half.Decode(z, null, waves)));
        using var a = new TorchSharp.torch.Generator(1);
        using var b = new TorchSharp.torch.Generator(1);
        var dropped = half.Decode(z, null, waves, a);
        Assert.False(dropped.allclose(forced, atol: 1e-4));
        Assert.True(dropped.allclose(half.Decode(z, null, waves, b)));
    }

    [Theory]
    [InlineData(0, 5, 1.0)]
    [InlineData(10, 0, 0.1)]
    [InlineData(10, 4, 0.5)]
    [InlineData(10, 9, 1.0)]
    [InlineData(10, 50, 1.0)]
    public void KlWeight_RisesLinearlyOverTheWarmup(int warmup, int step, double expected) =>
        Assert.Equal(expected * 2, KlAnnealing.Weight(2, step, warmup), 12);

    [Fact]
    public void Kl_MatchesTheClosedFormOfTwoGaussians_AndFreeBitsFloorEachDimension()
    {
        using var scope = NewDisposeScope();
        var mean = tensor(new[] { 0.5f, -1f, 0f, 0.01f }, new long[] { 2, 2 });
        var logVariance = tensor(new[] { 0f, (float)Math.Log(4), 0f, 0f }, new long[] { 2, 2 });
        // KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − ln σ²), per dimension
        static double Kl(double mu, double variance) => 0.5 * (variance + mu * mu - 1 - Math.Log(variance));
        var expected = new[] { Kl(0.5, 1) + Kl(-1, 4), Kl(0, 1) + Kl(0.01, 1) };
        var actual = VaeObjective.Kl(mean, logVariance).data<float>().ToArray();
        Assert.Equal(expected[0], actual[0], 5);
        Assert.Equal(expected[1], actual[1], 5);
        // Batch means per dimension: d0 = (0.125 + 0)/2, d1 = (Kl(-1, 4) + 0.00005)/2; free bits 0.5 lift d0 to 0.5 and leave d1.
        var d1 = (Kl(-1, 4) + Kl(0.01, 1)) / 2;
        Assert.Equal(0.5 + d1, VaeObjective.FreeBitsKl(mean, logVariance, 0.5).item<float>(), 5);
    }

    [Theory]
    [InlineData(RecurrentShape.Gru, 0)]
    [InlineData(RecurrentShape.Lstm, 3)]
    public void Training_LowersTheLoss_AndResumesExactly(string cell, int classes)
    {
        var config = Tiny(cell, classes: classes);
        var (uninterrupted, resumed, reports) = TrainerTests.AssertResumeIsExact(config, Settings(6), Waves);
        using (uninterrupted)
        using (resumed)
        {
            Assert.Equal(6, reports.Count);
            using var grid = uninterrupted.SampleProgressGrid();
            Assert.Equal(new long[] { 64, 1, SyntheticSequences.Steps, 1 }, grid.shape);
        }
        using var longer = ModelFamilies.CreateTrainer(config, Settings(60), CPU);
        var progress = new List<TrainingProgress>();
        longer.Train(Waves, new TrainingHooks { Progress = progress.Add, ReportInterval = TimeSpan.Zero }, CancellationToken.None);
        Assert.True(progress[^1].LossG < progress[0].LossG * 0.7, $"negative ELBO {progress[0].LossG} → {progress[^1].LossG}");
    }

    [Fact]
    public void SequenceWindows_CutEverySequence_AndKeepItsLabel()
    {
        var windows = Waves.Resized(16);
        Assert.True(windows.Sequences);
        Assert.Equal(Waves.Count * 4, windows.Count);
        Assert.Equal(16, windows.ImageSize);
        Assert.True(windows.Images[5].equal(Waves.Images[1].narrow(1, 16, 16)).all().item<bool>());
        Assert.Equal(Waves.Labels[1].item<long>(), windows.Labels[5].item<long>());
    }
}
