using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <summary>FreezeD: D's first blocks keep their weights while its upper blocks, its logit and G train; in fp32 and bf16.</summary>
public sealed class FreezeDTests
{
    [Theory]
    [InlineData("dcgan", Precision.Fp32, 1)]
    [InlineData("dcgan", Precision.Fp32, 2)]
    [InlineData("dcgan", Precision.Bf16, 1)]
    [InlineData("gan", Precision.Fp32, 1)]
    public void FrozenBlocks_KeepTheirWeights_TheRestTrains(string family, string precision, int frozen)
    {
        var config = new ModelConfig(28, 1, LatentDim: 16, BaseChannels: 8, Family: family);
        var settings = new TrainingSettings { Steps = 3, BatchSize = 16, FreezeD = frozen, Precision = precision, CheckpointEvery = 1000, SampleEvery = 1000 };
        using var trainer = (GanTrainer)ModelFamilies.CreateTrainer(config, settings, CPU);
        var before = trainer.Discriminator.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var generatorBefore = trainer.Generator.parameters().Select(p => p.detach().clone()).ToList();
        trainer.Train(SyntheticShapes.Create(), new TrainingHooks(), CancellationToken.None);

        // Block k's parameters: DCGAN's from_image, then down{i} and its norm; the MLP's hidden{i}.
        string[] frozenPrefixes = family == "gan"
            ? [.. Enumerable.Range(1, frozen).Select(i => $"_net.hidden{i}.")]
            : ["_features.from_image.", .. Enumerable.Range(1, frozen - 1).SelectMany(i => new[] { $"_features.down{i}.", $"_features.down{i}_norm." })];
        var (held, moved) = (0, 0);
        foreach (var (name, parameter) in trainer.Discriminator.named_parameters())
        {
            var same = before[name].allclose(parameter.detach(), rtol: 0, atol: 0);
            if (frozenPrefixes.Any(name.StartsWith))
            {
                Assert.True(same, $"{name} is frozen but changed");
                Assert.False(parameter.requires_grad);
                held++;
            }
            else if (!same) moved++;
        }
        Assert.True(held >= frozen, $"{held} frozen tensors for {frozen} blocks");
        Assert.True(moved >= 1, $"no unfrozen D tensor trained");   // at least the logit
        Assert.Contains(trainer.Generator.parameters().Zip(generatorBefore), pair => !pair.First.detach().allclose(pair.Second, rtol: 0, atol: 0));
    }
}
