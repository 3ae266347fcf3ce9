using GenApi.Tests.Families;
using GenApi.Worker.Compression;
using GenApi.Worker.Compute;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Evaluation;
using GenApi.Worker.Families;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <summary>
/// Every kind of training survives a transient non-finite gradient (injected where the faulty kernel would put it) with the
/// numbers of a clean run, resumes exactly after one, and fails with words that say so when the fault persists.
/// The tests inject their faults, so they hold whether or not this host's libtorch has the fault.
/// </summary>
/// <remarks>Byte-equality needs deterministic kernels: see <see cref="SingleThreadedKernels"/>.</remarks>
public sealed class RecoveryTests : SingleThreadedKernels
{
    private static readonly ImageDataset Shapes = SyntheticShapes.Create();
    private static readonly ImageDataset Waves = SyntheticSequences.Create();
    private static readonly ModelConfig Tiny = new(28, 1, LatentDim: 16, BaseChannels: 8);

    private static TrainingSettings Settings(int steps = 6) =>
        new() { Steps = steps, BatchSize = 16, Seed = 5, CheckpointEvery = 3, SampleEvery = 1000 };

    /// <summary>One trainer of each kind: the GAN loop (fake reuse, several critic updates with a gradient penalty, mixed
    /// precision, dropout), the VAE loop (flat and recurrent) and CycleGAN's.</summary>
    public static TheoryData<string, string[]> Trainers => new()
    {
        { "dcgan", ["D", "G"] },
        { "wgan-gp", ["D", "G"] },
        { "gan-bf16", ["D", "G"] },
        { "cdcgan-fp16", ["D", "G"] },
        { "vae", ["ELBO"] },
        { "rvae", ["ELBO"] },
        { "cyclegan", ["G", "D"] },
    };

    private static (ModelConfig, TrainingSettings, ImageDataset) Case(string name) => name switch
    {
        "dcgan" => (Tiny, Settings() with { EmaDecay = 0.9 }, Shapes),
        "wgan-gp" => (Tiny with { Family = "wgan-gp" }, Settings() with { Loss = "wasserstein", GradientPenalty = 10, NCritic = 2 }, Shapes),
        "gan-bf16" => (Tiny with { Family = "gan" }, Settings() with { Precision = Precision.Bf16, Dropout = 0.3 }, Shapes),
        "cdcgan-fp16" => (Tiny with { Family = "cdcgan", Classes = SyntheticShapes.Classes },
            Settings() with { Precision = Precision.Fp16, Loss = "hinge", SpectralNorm = true, Augment = [DiffAugment.Translation] }, Shapes),
        "vae" => (Tiny with { Family = "vae" }, Settings() with { AccumulateSteps = 2 }, Shapes),
        "rvae" => (RecurrentVaeTests.Tiny(), new GenApi.Worker.Families.Recurrent.RvaeFamily().Defaults with
            { Steps = 6, BatchSize = 16, Seed = 5, CheckpointEvery = 3, SampleEvery = 1000 }, Waves),
        "cyclegan" => (CycleGanTests.Tiny(), Settings(), Shapes),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static (List<TrainingProgress> Reports, Tensor Grid) Run(string name, IGradientFaults? faults, string? checkpoint = null, string? resumeFrom = null)
    {
        var (config, settings, data) = Case(name);
        using var trainer = ModelFamilies.CreateTrainer(config, settings, CPU);
        if (resumeFrom is not null) trainer.LoadCheckpoint(resumeFrom);
        var reports = new List<TrainingProgress>();
        trainer.Train(data, new TrainingHooks
        {
            Progress = reports.Add, ReportInterval = TimeSpan.Zero, Faults = faults,
            Checkpoint = t => { if (checkpoint is not null && t.Step == 3) t.SaveCheckpoint(checkpoint); },
        }, CancellationToken.None);
        return (reports, trainer.SampleProgressGrid());
    }

    private static void AssertSame((List<TrainingProgress> Reports, Tensor Grid) expected, (List<TrainingProgress> Reports, Tensor Grid) actual, int skip = 0)
    {
        Assert.Equal(expected.Reports.Skip(skip).Select(r => (r.Step, r.LossD, r.LossG, r.LearningRate)),
            actual.Reports.Select(r => (r.Step, r.LossD, r.LossG, r.LearningRate)));
        Assert.True(expected.Grid.equal(actual.Grid).all().item<bool>(), "the trained networks differ");
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void ATransientNaNGradient_IsRecomputed_ToTheNumbersOfACleanRun_AndTheRunResumesExactly(string name, string[] networks)
    {
        // On a host with the kernel fault the clean run may recover updates of its own.
        var clean = Run(name, null);

        // Every update of step 2 and the first network's at step 5 (after the checkpoint).
        var faults = new InjectedFaults([.. networks.Select(n => (n, 2)), (networks[0], 5)]);
        var checkpoint = TestPaths.NewScratch();
        var injected = Run(name, faults, checkpoint);
        Assert.True(faults.Injected >= networks.Length + 1, $"{faults.Injected} faults injected");
        AssertSame(clean, injected);
        Assert.True(injected.Reports[^1].RecoveredUpdates >= faults.Injected);

        var resumed = Run(name, new InjectedFaults((networks[0], 5)), resumeFrom: checkpoint);
        AssertSame(clean, resumed, skip: 3);
        Assert.True(resumed.Reports[^1].RecoveredUpdates >= 1);
    }

    [Theory]
    [InlineData("dcgan", "D")]
    [InlineData("dcgan", "G")]
    [InlineData("vae", "ELBO")]
    [InlineData("cyclegan", "D")]
    public void APersistentNaNGradient_FailsTheRun_SayingItIsNotTransient(string name, string network)
    {
        var faults = new InjectedFaults((network, 2)) { Persistent = true };
        var error = Assert.Throws<TrainingDivergedException>(() => Run(name, faults));
        Assert.Equal($"the gradients of {network} at step 2 stayed non-finite through {UpdateGuard.Recomputations} recomputations from the same inputs, "
            + "while its loss was finite: not a transient kernel fault; try a lower learning rate or clipGradNorm.", error.Message);
        Assert.Equal(1 + UpdateGuard.Recomputations, faults.Injected);
    }

    [Fact]
    public void ALossThatStaysNaN_IsDivergence_NotAKernelFault()
    {
        using var poisoned = Shapes.Images.clone().fill_(float.NaN);
        var data = new ImageDataset("poisoned", poisoned, Shapes.Labels, Shapes.ClassCount);
        using var trainer = ModelFamilies.CreateTrainer(Tiny, Settings(3), CPU);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(data, new TrainingHooks(), CancellationToken.None));
        Assert.Equal("loss D became NaN at step 1; try a lower learning rate.", error.Message);
    }

    private static Tensor[] Distill(IGradientFaults faults, int runs = 1)
    {
        manual_seed(2);
        using var teacher = new DcganGenerator(Tiny);
        using var student = new DcganGenerator(Tiny with { BaseChannels = 4 });
        var initial = student.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        Tensor[] weights = [];
        // Several distillations in one process, from the same start: nothing may leak from one into the next.
        for (var run = 0; run < runs; run++)
        {
            student.load_state_dict(initial);
            new Distillation(teacher, student, CPU).Train(6, 16, 1e-3, DistillSpec.L1, 0, null, null, (_, _, _) => { }, CancellationToken.None,
                guard: new UpdateGuard(faults));
            var now = student.state_dict().Values.Select(t => t.clone()).ToArray();
            if (run > 0) Assert.All(weights.Zip(now), p => Assert.True(p.First.equal(p.Second).all().item<bool>(), "a later distillation differs"));
            weights = now;
        }
        return weights;
    }

    [Fact]
    public void Distillation_RecomputesATransientNaN_AndFailsOnAPersistentOne()
    {
        var clean = Distill(NoGradientFaults.Instance, runs: 3);
        var faults = new InjectedFaults(("student", 2), ("student", 4));
        var injected = Distill(faults, runs: 2);
        Assert.Equal(4, faults.Injected);
        Assert.All(clean.Zip(injected), p => Assert.True(p.First.equal(p.Second).all().item<bool>(), "the distilled students differ"));

        var error = Assert.Throws<TrainingDivergedException>(() => Distill(new InjectedFaults(("student", 3)) { Persistent = true }));
        Assert.StartsWith("the gradients of student at step 3 stayed non-finite", error.Message);
    }

    private static (double Accuracy, Tensor[] Weights) TrainClassifier(IGradientFaults faults)
    {
        manual_seed(1); // the initial weights
        using var classifier = new DomainClassifier(1, 28, SyntheticShapes.Classes);
        var accuracy = ClassifierTraining.Train(classifier, Shapes, Shapes, 1, CPU, null, new UpdateGuard(faults), minimumSteps: 8);
        return (accuracy, classifier.state_dict().Values.Select(t => t.clone()).ToArray());
    }

    [Fact]
    public void ClassifierTraining_RecomputesATransientNaN_WithTheSameDropoutMasks()
    {
        var clean = TrainClassifier(NoGradientFaults.Instance);
        var faults = new InjectedFaults(("feature classifier", 2), ("feature classifier", 5));
        var injected = TrainClassifier(faults);
        Assert.Equal(2, faults.Injected);
        Assert.Equal(clean.Accuracy, injected.Accuracy);
        Assert.All(clean.Weights.Zip(injected.Weights), p => Assert.True(p.First.equal(p.Second).all().item<bool>(), "the classifiers differ"));

        var error = Assert.Throws<TrainingDivergedException>(() => TrainClassifier(new InjectedFaults(("feature classifier", 3)) { Persistent = true }));
        Assert.StartsWith("the gradients of feature classifier at step 3 stayed non-finite", error.Message);
    }
}
