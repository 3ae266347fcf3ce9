using System.Globalization;
using System.Text;
using System.Text.Json;
using GenApi.Rendering;
using ScottPlot;

namespace GenApi.Bench;

/// <summary>
/// Time to quality on Fashion-MNIST DCGAN over real HTTP: Fréchet distance (our evaluator, with its floor) against training
/// CPU-minutes for the presets and the screened recipes, one job at a time with every core. Minutes are steps over the job's
/// mean training speed, so evaluations are not counted. Writes <c>frontier.md</c> and <c>frontier.png</c> to <c>bench/results</c>.
/// </summary>
internal static class FrontierBench
{
    public static async Task RunAsync(int steps, int evaluations, int samples, IReadOnlyList<string> only, string outputDirectory)
    {
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string>
        {
            ["Evaluation:Samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        await service.WarmEvaluationAsync("fashion-mnist");
        var recipes = new (string Name, object Body)[]
        {
            ("paper", new { preset = "paper" }),
            ("fast", new { preset = "fast" }),
            ("fast + spectralNorm + hinge", new { preset = "fast", spectralNorm = true, loss = "hinge" }),
            ("fast + augment translation", new { preset = "fast", augment = new[] { "translation" } }),
            ("fast + batch 32", new { preset = "fast", batchSize = 32 }),
            ("fast + emaDecay 0.99", new { preset = "fast", emaDecay = 0.99 }),
            ("fast + bf16", new { preset = "fast", precision = "bf16" }),
        };
        // Runs accumulate in frontier-runs.json across invocations (--recipes reruns some), and the table and chart are drawn from all.
        Directory.CreateDirectory(outputDirectory);
        var store = Path.Combine(outputDirectory, "frontier-runs.json");
        var runs = File.Exists(store) ? JsonSerializer.Deserialize<Dictionary<string, FrontierRun>>(File.ReadAllText(store))! : [];
        foreach (var (name, body) in recipes.Where(r => only.Count == 0 || only.Contains(r.Name)))
        {
            var fields = JsonSerializer.SerializeToElement(body).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
            // A smaller batch runs proportionally more steps, so every recipe gets about the same minutes.
            var batch = fields.TryGetValue("batchSize", out var b) ? ((JsonElement)b).GetInt32() : 64;
            // bf16 is emulated on CPUs without AVX-512 BF16/AMX (25× slower): a few dozen steps show its pace without an hour's run.
            var runSteps = name.EndsWith("bf16", StringComparison.Ordinal) && !GenApi.Worker.Compute.PrecisionSupport.IsNative("bf16", TorchSharp.torch.CPU) ? 32 : steps * 64 / batch;
            fields["model"] = "dcgan";
            fields["dataset"] = "fashion-mnist";
            fields["steps"] = runSteps;
            fields["seed"] = 1;
            fields["evaluate"] = true;
            fields["checkpointEvery"] = Math.Min(steps / evaluations * 64 / batch, runSteps);
            fields["sampleEvery"] = runSteps;
            var (job, metrics, stepsPerSecond) = await service.TrainAsync(fields);
            var evaluated = metrics.GetProperty("evaluations").EnumerateArray().ToList();
            runs[name] = new FrontierRun(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), JsonSerializer.Serialize(body), stepsPerSecond,
                evaluated.Select(e => e.GetProperty("step").GetInt32() / stepsPerSecond / 60).ToArray(),
                evaluated.Select(e => e.GetProperty("frechetDistance").GetDouble()).ToArray(),
                evaluated[^1].GetProperty("floor").GetProperty("frechetDistance").GetDouble());
            File.WriteAllText(store, JsonSerializer.Serialize(runs, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"{name}: {string.Join(", ", runs[name].Minutes.Zip(runs[name].Fd, (m, f) => $"{m:F1} min {f:F1}"))}");
            if (name == "fast")
                await File.WriteAllBytesAsync(Path.Combine(outputDirectory, "frontier-fast-samples.png"),
                    await service.Client.GetByteArrayAsync($"/v1/models/{job.GetProperty("modelId").GetString()}/samples.png?count=64&seed=1&scale=2"));
        }

        var report = BenchHost.NewReport();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Time to quality, dcgan on fashion-mnist, batch 64 unless stated, seed 1, {Environment.ProcessorCount} threads; Fréchet distance on {samples} samples at 4 checkpoints; minutes = steps / the job's mean training speed (evaluations not counted).");
        report.AppendLine();
        report.AppendLine("| recipe | request fields | date | steps/s | FD by training minutes | best FD | floor |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        ChartFont.Register();
        var plot = new Plot();
        plot.Title("DCGAN on Fashion-MNIST: Fréchet distance vs training minutes");
        plot.XLabel("training minutes (2-core CPU)");
        plot.YLabel("Fréchet distance (lower is better)");
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var (name, _) in recipes.Where(r => runs.ContainsKey(r.Name)))
        {
            var run = runs[name];
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | `{run.Request}` | {run.Date} | {run.StepsPerSecond:F2} | {string.Join(", ", run.Minutes.Zip(run.Fd, (m, f) => $"{m:F1} min: {f:F1}"))} | {run.Fd.Min():F1} | {run.Floor:F1} |");
            var line = plot.Add.Scatter(run.Minutes, run.Fd);
            line.Color = palette.GetColor(index++);
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LegendText = name;
        }
        plot.ShowLegend(Alignment.UpperRight);
        await File.WriteAllBytesAsync(Path.Combine(outputDirectory, "frontier.png"), plot.GetImageBytes(900, 560, ImageFormat.Png));
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "frontier.md"), report.ToString());
        Console.WriteLine(report);
    }
}

/// <summary>One recipe's measured run: the request's extra fields, training speed, and the Fréchet distance at each evaluated minute.</summary>
internal sealed record FrontierRun(string Date, string Request, double StepsPerSecond, double[] Minutes, double[] Fd, double Floor);
