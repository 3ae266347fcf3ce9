using System.Diagnostics;
using System.Globalization;
using System.Text;
using GenApi.Worker.Compute;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Bench;

/// <summary>
/// Where the arithmetic goes on this machine, each ratio in one run: matmul GFLOP/s per type, the DCGAN step's images/s in
/// fp32, bf16 and fp16 (the engine's mixed precision) and with channels-last layouts (the bare loop), the bare loop against
/// the fp32 matmul peak, and images/s against the batch size. Writes <c>precision.md</c> to <c>bench/results</c>.
/// </summary>
internal static class PrecisionBench
{
    public static void Run(ImageDataset dataset, int steps, int lowPrecisionSteps, int rounds, string outputDirectory)
    {
        set_num_threads(Environment.ProcessorCount);
        var config = new ModelConfig(dataset.ImageSize, dataset.Channels);
        const int batch = 64;
        var report = BenchHost.NewReport();
        report.AppendLine(CultureInfo.InvariantCulture, $"Mixed precision and memory layout, {Environment.ProcessorCount} threads, {dataset.Name} DCGAN-{config.ImageSize} (base 64), batch {batch}, {DateTime.UtcNow:yyyy-MM-dd}.");
        report.AppendLine(CultureInfo.InvariantCulture, $"bf16 native: {PrecisionSupport.IsNative(Precision.Bf16, CPU)}, fp16 native: {PrecisionSupport.IsNative(Precision.Fp16, CPU)}.");
        report.AppendLine();

        report.AppendLine("| matmul 1024² | GFLOP/s |\n|---|---|");
        var peaks = new Dictionary<ScalarType, double>();
        foreach (var type in new[] { ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16 })
        {
            // Best of several: on a shared VM a single measurement is noise (one read 78 GFLOP/s where the bare loop counted 130).
            peaks[type] = MatmulGflops(type, type == ScalarType.Float32 ? 10 : 2, rounds: 7);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {type} | {peaks[type]:F1} |");
            Console.WriteLine($"matmul {type}: {peaks[type]:F1} GFLOP/s");
        }
        report.AppendLine();

        // Interleaved rounds: each configuration sees the same machine conditions.
        var runs = new (string Name, Func<double> ImagesPerSecond)[]
        {
            ("bare loop fp32", () => Bare(config, dataset, steps, batch, channelsLast: false)),
            ("bare loop fp32, channels-last", () => Bare(config, dataset, steps, batch, channelsLast: true)),
            ("engine fp32", () => Engine(config, dataset, steps, batch, Precision.Fp32)),
            ("engine bf16 (mixed)", () => Engine(config, dataset, lowPrecisionSteps, batch, Precision.Bf16)),
            ("engine fp16 (mixed, loss scaling)", () => Engine(config, dataset, lowPrecisionSteps, batch, Precision.Fp16)),
        };
        Bare(config, dataset, 5, batch, false); // warm-up
        var results = runs.ToDictionary(r => r.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
            foreach (var (name, run) in runs)
            {
                results[name].Add(run());
                Console.WriteLine($"round {round + 1}: {name} {results[name][^1]:F0} images/s");
            }
        var fp32 = Median(results["engine fp32"]);
        report.AppendLine("| configuration | images/s (median of rounds) | vs engine fp32 |\n|---|---|---|");
        foreach (var (name, values) in results)
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(values):F1} | {Median(values) / fp32:F3} |");
        var bare = Median(results["bare loop fp32"]);
        var bareGflops = bare / batch * Flops.PerStep(config, batch) / 1e9;
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Bare loop fp32: {bareGflops:F1} GFLOP/s counted (convolutions only) = {bareGflops / peaks[ScalarType.Float32]:F3} of the fp32 matmul peak {peaks[ScalarType.Float32]:F1}.");
        report.AppendLine();

        report.AppendLine("| batch | bare loop images/s | GFLOP/s | vs matmul peak |\n|---|---|---|---|");
        foreach (var size in new[] { 32, 64, 128, 256 })
        {
            var imagesPerSecond = Bare(config, dataset, Math.Max(5, steps * batch / size), size, false);
            var gflops = imagesPerSecond / size * Flops.PerStep(config, size) / 1e9;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {size} | {imagesPerSecond:F0} | {gflops:F1} | {gflops / peaks[ScalarType.Float32]:F3} |");
            Console.WriteLine($"batch {size}: {imagesPerSecond:F0} images/s");
        }
        Directory.CreateDirectory(outputDirectory);
        File.WriteAllText(Path.Combine(outputDirectory, "precision.md"), report.ToString());
        Console.WriteLine(report);
    }

    private static double Bare(ModelConfig config, ImageDataset dataset, int steps, int batch, bool channelsLast)
    {
        using var loop = new BareLoop(config, channelsLast);
        var clock = Stopwatch.StartNew();
        loop.Run(dataset.Images, steps, batch);
        return steps * batch / clock.Elapsed.TotalSeconds;
    }

    private static double Engine(ModelConfig config, ImageDataset dataset, int steps, int batch, string precision)
    {
        var settings = new TrainingSettings { Steps = steps, BatchSize = batch, Precision = precision, CheckpointEvery = 1_000_000, SampleEvery = 1_000_000 };
        using var trainer = ModelFamilies.CreateTrainer(config, settings, CPU);
        var clock = Stopwatch.StartNew();
        trainer.Train(dataset, new TrainingHooks(), CancellationToken.None);
        return steps * batch / clock.Elapsed.TotalSeconds;
    }

    /// <summary>A 1024×1024 matmul in <paramref name="type"/>, best of <paramref name="rounds"/>: the machine's practical compute peak through TorchSharp.</summary>
    public static double MatmulGflops(ScalarType type, int repeats, int rounds = 3)
    {
        using var a = randn(1024, 1024).to(type);
        using var b = randn(1024, 1024).to(type);
        a.matmul(b).Dispose();
        var best = 0.0;
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            for (var j = 0; j < repeats; j++) a.matmul(b).Dispose();
            best = Math.Max(best, repeats * 2.0 * 1024 * 1024 * 1024 / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
