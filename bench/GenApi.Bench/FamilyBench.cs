using System.Diagnostics;
using GenApi.Worker.Datasets;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Bench;

/// <summary>Steps per second of every model family with its default configuration, through the engine's trainer.</summary>
public static class FamilyBench
{
    public static Dictionary<string, object> Run(ImageDataset dataset, int steps)
    {
        var results = new Dictionary<string, object>();
        foreach (var family in ModelFamily.Names)
        {
            var settings = new TrainingSettings
            {
                Steps = steps, BatchSize = 64, CheckpointEvery = steps, SampleEvery = steps,
                OptimizerG = FamilyDefaults.Optimizer(family), OptimizerD = FamilyDefaults.Optimizer(family),
                Loss = FamilyDefaults.Loss(family), NCritic = FamilyDefaults.NCritic(family), GradientPenalty = FamilyDefaults.GradientPenalty(family),
            };
            var config = new ModelConfig(dataset.ImageSize, dataset.Channels, FamilyDefaults.LatentDim(family), 64, family,
                ModelFamily.IsConditional(family) ? dataset.ClassCount : 0);
            using var trainer = Trainer.Create(config, settings with { Steps = 2 }, CPU);
            trainer.Train(dataset, new TrainingHooks(), CancellationToken.None); // warm-up
            using var timed = Trainer.Create(config, settings, CPU);
            var clock = Stopwatch.StartNew();
            timed.Train(dataset, new TrainingHooks(), CancellationToken.None);
            var stepsPerSecond = steps / clock.Elapsed.TotalSeconds;
            results[family] = Math.Round(stepsPerSecond, 2);
            Console.WriteLine($"{family}: {stepsPerSecond:F2} steps/s ({stepsPerSecond * 64:F0} images/s, default config)");
        }
        return results;
    }
}
