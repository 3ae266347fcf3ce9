using System.Globalization;
using System.Text.Json;

namespace GenApi.Bench;

/// <summary>
/// Fine-tuning against training from scratch, over real HTTP, at equal steps. No MNIST is installable here, so the transfer is
/// within Fashion-MNIST: a DCGAN trained on the tops (t-shirt, pullover, coat, shirt) is fine-tuned onto the footwear (sandal,
/// sneaker, ankle-boot), on 1,000 of their images and on all 18,000, beside from-scratch runs with the same settings and seed.
/// Every run is scored by one evaluator (the footwear view's classifier and test split). Writes <c>transfer.md</c>.
/// </summary>
internal static class TransferBench
{
    private const string Tops = "fashion-mnist:t-shirt,pullover,coat,shirt";
    private const string Footwear = "fashion-mnist:sandal,sneaker,ankle-boot";

    public static async Task RunAsync(int parentSteps, int steps, int samples, string outputDirectory)
    {
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string>
        {
            ["Evaluation:Samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        await service.WarmEvaluationAsync(Footwear);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (parentJob, _, parentSpeed) = await service.TrainAsync(new
        {
            model = "dcgan", dataset = Tops, preset = "fast", steps = parentSteps, seed = 1, checkpointEvery = parentSteps, sampleEvery = parentSteps,
        });
        var parent = parentJob.GetProperty("modelId").GetString()!;
        Console.WriteLine($"parent {parent} on the tops: {parentSteps} steps at {parentSpeed:F2} steps/s, {clock.Elapsed.TotalMinutes:F1} min");

        var runs = new (string Name, string Dataset, object Extra)[]
        {
            ("scratch, 1,000 images", $"{Footwear}:1000", new { }),
            ("fine-tune, 1,000 images", $"{Footwear}:1000", new { initFrom = parent }),
            ("fine-tune + freezeD 1, 1,000 images", $"{Footwear}:1000", new { initFrom = parent, freezeD = 1 }),
            ("scratch, all 18,000 images", Footwear, new { }),
            ("fine-tune, all 18,000 images", Footwear, new { initFrom = parent }),
        };
        var half = steps / 2;
        var report = BenchHost.NewReport()
            .AppendLine("# Fine-tuning against training from scratch (bench --transfer)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Parent: dcgan, preset fast, {parentSteps} steps on `{Tops}` (24,000 images), seed 1. Each row is one job of")
            .AppendLine(CultureInfo.InvariantCulture, $"{steps} steps (batch 64, preset fast, seed 2) on the footwear `{Footwear}`, from scratch or with `initFrom`")
            .AppendLine(CultureInfo.InvariantCulture, $"the parent. Fréchet distance on {samples} samples against the footwear test split (3,000 images) with one classifier")
            .AppendLine("for every row (the footwear view's; a count limit does not change the reference). No MNIST package exists here, so")
            .AppendLine("the transfer is between Fashion-MNIST class groups. Lower FD is better.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"| run | dataset | FD at {half} | FD at {steps} | precision / recall at {steps} | steps/s |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var (name, dataset, extra) in runs)
        {
            var body = JsonSerializer.SerializeToNode(extra)!.AsObject();
            body["model"] = "dcgan";
            body["dataset"] = dataset;
            body["preset"] = "fast";
            body["steps"] = steps;
            body["seed"] = 2;
            body["checkpointEvery"] = half;
            body["sampleEvery"] = steps;
            body["evaluate"] = true;
            var (_, metrics, speed) = await service.TrainAsync(body);
            var scores = metrics.GetProperty("evaluations").EnumerateArray().ToList();
            double Fd(int step) => scores.Single(s => s.GetProperty("step").GetInt32() == step).GetProperty("frechetDistance").GetDouble();
            var last = scores.Single(s => s.GetProperty("step").GetInt32() == steps);
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | `{dataset}` | {Fd(half):F1} | {Fd(steps):F1} | {last.GetProperty("precision").GetDouble():F2} / {last.GetProperty("recall").GetDouble():F2} | {speed:F2} |");
            Console.WriteLine(row);
            report.AppendLine(row);
        }
        report.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Total {clock.Elapsed.TotalMinutes:F0} minutes.");
        Directory.CreateDirectory(outputDirectory);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "transfer.md"), report.ToString());
        Console.WriteLine(report);
    }
}
