using System.Diagnostics;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Bench;

/// <summary>Steps per second of every model family with its default configuration, through the engine's trainer.</summary>
public static class FamilyBench
{
    public static Dictionary<string, object> Run(ImageDataset dataset, int steps)
    {
        var results = new Dictionary<string, object>();
        var shape = new DatasetShape(dataset.ImageSize, dataset.Channels,
            Enumerable.Range(0, dataset.ClassCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
        foreach (var descriptor in ModelFamilies.All)
        {
            var family = descriptor.Name;
            var settings = descriptor.Defaults with { Steps = steps, BatchSize = 64, CheckpointEvery = steps, SampleEvery = steps };
            var config = new JobSpec { Model = family, Dataset = dataset.Name, LatentDim = descriptor.DefaultLatentDim, BaseChannels = descriptor.DefaultBaseChannels, Training = settings }
                .ModelConfig(shape, dataset.ImageSize);
            using var trainer = ModelFamilies.CreateTrainer(config, settings with { Steps = 2 }, CPU);
            trainer.Train(dataset, new TrainingHooks(), CancellationToken.None); // warm-up
            using var timed = ModelFamilies.CreateTrainer(config, settings, CPU);
            var clock = Stopwatch.StartNew();
            timed.Train(dataset, new TrainingHooks(), CancellationToken.None);
            var stepsPerSecond = steps / clock.Elapsed.TotalSeconds;
            results[family] = Math.Round(stepsPerSecond, 2);
            Console.WriteLine($"{family}: {stepsPerSecond:F2} steps/s ({stepsPerSecond * 64:F0} images/s, default config)");
        }
        return results;
    }
}
