using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <summary>Mixed precision: low-precision compute copies, fp32 masters, fp16 loss scaling, and when the hardware runs it natively.</summary>
public sealed class MixedPrecisionTests
{
    [Fact]
    public void Gradients_AreMovedOntoFp32Masters_AndTheSteppedMastersAreCastBack()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var master = nn.Linear(4, 2);
        using var copy = new LowPrecisionCopy(master, nn.Linear(4, 2), ScalarType.BFloat16);
        var masterWeight = master.parameters().First();
        var copyWeight = copy.Copy.parameters().First();
        Assert.Equal((ScalarType.Float32, ScalarType.BFloat16), (masterWeight.dtype, copyWeight.dtype));
        Assert.True(copyWeight.equal(masterWeight.to(ScalarType.BFloat16)).all().item<bool>());

        var update = new LowPrecisionUpdate([copy], master.parameters().ToArray(), Precision.Bf16);
        Assert.Equal(1.0, update.LossScale);
        ((nn.Module<Tensor, Tensor>)copy.Copy).call(randn(3, 4).to(ScalarType.BFloat16)).to(ScalarType.Float32).sum().backward();
        update.MoveGradients();
        Assert.Equal(ScalarType.Float32, masterWeight.grad!.dtype);
        Assert.True(masterWeight.grad.equal(copyWeight.grad!.to(ScalarType.Float32)).all().item<bool>());

        using (no_grad()) masterWeight.add_(0.01);
        update.Pull();
        Assert.True(copyWeight.equal(masterWeight.to(ScalarType.BFloat16)).all().item<bool>());
    }

    [Fact]
    public void Fp16_ScalesTheLoss_AndAnOverflowHalvesTheScaleAndSkipsTheUpdate()
    {
        using var scope = NewDisposeScope();
        // No bias: its gradient (the batch size, scaled by 2^16) would overflow fp16 on the first update, as it may in training.
        using var master = nn.Linear(4, 2, hasBias: false);
        using var copy = new LowPrecisionCopy(master, nn.Linear(4, 2, hasBias: false), ScalarType.Float16);
        var update = new LowPrecisionUpdate([copy], master.parameters().ToArray(), Precision.Fp16);
        Assert.Equal(LowPrecisionUpdate.InitialScale, update.LossScale);
        var net = (nn.Module<Tensor, Tensor>)copy.Copy;
        var x = full(3, 4, 1e-3, ScalarType.Float16);

        // The mean's gradient per output, 1/6 · 2^16, still fits fp16; each weight's is 3 · 1e-3 / 6 once unscaled.
        (net.call(x).to(ScalarType.Float32).mean() * update.LossScale).backward();
        update.MoveGradients();
        var weightGrad = master.parameters().First().grad!;
        Assert.True(weightGrad.allclose(full(2, 4, 5e-4), rtol: 1e-2));

        // Small weights keep the forward (the loss) finite; the scaled weight gradients, 60000 · 2^16 / 6, overflow fp16.
        using (no_grad()) master.parameters().First().fill_(1e-3);
        update.Pull();
        var skipped = new UpdateGuard().Run("G", 1, master.parameters().ToArray(), () =>
        {
            update.ZeroGradients();
            master.zero_grad();
            var loss = net.call(full(3, 4, 60000.0, ScalarType.Float16)).to(ScalarType.Float32).mean();
            (loss * update.LossScale).backward();
            update.MoveGradients();
            return loss.detach();
        }, () => { }, persistentSkips: update.Scaled);
        Assert.Null(skipped);
        update.Overflowed();
        Assert.Equal(LowPrecisionUpdate.InitialScale / 2, update.LossScale);
    }

    [Fact]
    public void Bf16Training_KeepsFp32Masters_FiniteLosses_AndSavesAnFp32Model()
    {
        var config = new ModelConfig(28, 1, LatentDim: 16, BaseChannels: 8);
        var settings = new TrainingSettings { Steps = 4, BatchSize = 16, Precision = Precision.Bf16, CheckpointEvery = 1000, SampleEvery = 1000 };
        using var trainer = (GanTrainer)ModelFamilies.CreateTrainer(config, settings, CPU);
        var reports = new List<TrainingProgress>();
        trainer.Train(SyntheticShapes.Create(), new TrainingHooks { Progress = reports.Add, ReportInterval = TimeSpan.Zero }, CancellationToken.None);
        Assert.All(reports, r => Assert.True(double.IsFinite(r.LossD) && double.IsFinite(r.LossG)));
        Assert.All(trainer.Generator.parameters().Concat(trainer.Discriminator.parameters()), p => Assert.Equal(ScalarType.Float32, p.dtype));

        var folder = TestPaths.NewScratch();
        trainer.SaveModel(folder);
        using var loaded = new DcganGenerator(config);
        // A stored model is fp32 safetensors: every tensor of the network, of its shape, in fp32.
        var stored = Path.Combine(folder, ArtifactLayout.GeneratorFile);
        Assert.True(WeightCodec.IsSafetensors(stored));
        WeightCodec.Load(loaded, stored);
        Assert.All(TorchSharp.PyBridge.Safetensors.LoadStateDict(stored).Values.Where(t => t.is_floating_point()), t => Assert.Equal(ScalarType.Float32, t.dtype));
        using var grid = trainer.SampleProgressGrid();
        Assert.Equal(ScalarType.Float32, grid.dtype);
        Assert.True(grid.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(Precision.Fp32, "", true)]
    [InlineData(Precision.Bf16, "avx2 fma", false)]
    [InlineData(Precision.Bf16, "avx512f avx512_bf16", true)]
    [InlineData(Precision.Bf16, "amx_bf16", true)]
    [InlineData(Precision.Fp16, "avx512_bf16", false)]
    [InlineData(Precision.Fp16, "avx512_fp16", true)]
    public void IsNative_OnACpu_DependsOnItsInstructions(string precision, string flags, bool native) =>
        Assert.Equal(native, PrecisionSupport.IsNative(precision, CPU, flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()));
}
