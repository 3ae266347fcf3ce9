using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GenApi.Bench;

/// <summary>
/// CycleGAN over real HTTP on Fashion-MNIST, sneaker ↔ ankle-boot with the family's defaults: steps per second, the scores
/// at every checkpoint, and the translation grids both ways. Writes a markdown report and the grids to <c>bench/results</c>.
/// </summary>
internal static class TranslationBench
{
    public static async Task RunAsync(int steps, int baseChannels, int samples, string outputDirectory)
    {
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string>
        {
            ["Evaluation:Samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        var client = service.Client;
        await service.WarmEvaluationAsync("fashion-mnist");
        var body = new
        {
            model = "cyclegan", dataset = "fashion-mnist", domainA = "sneaker", domainB = "ankle-boot", steps, baseChannels, seed = 1,
            evaluate = true, checkpointEvery = steps / 4, sampleEvery = steps / 4,
        };
        var (job, metrics, stepsPerSecond) = await service.TrainAsync(body);
        var id = job.GetProperty("id").GetString();
        var batch = job.GetProperty("hyperparameters").GetProperty("batchSize").GetInt32();
        var model = job.GetProperty("modelId").GetString();
        Directory.CreateDirectory(outputDirectory);
        foreach (var direction in new[] { "AtoB", "BtoA" })
            await File.WriteAllBytesAsync(Path.Combine(outputDirectory, $"cyclegan-{direction}.png"),
                await client.GetByteArrayAsync($"/v1/models/{model}/translations.png?count=12&seed=1&direction={direction}&scale=2"));
        var events = await client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}/events");
        var report = BenchHost.NewReport();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"CycleGAN, Fashion-MNIST sneaker (A) ↔ ankle-boot (B), the family defaults but baseChannels {baseChannels} (batch {batch}, λ 10, identity 5, pool 50, lr 2e-4 held then linear to 0), {steps} steps, {Environment.ProcessorCount} cores, evaluation up to {samples} images per direction (the test split has what it has per class):");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{stepsPerSecond:F2} steps/s ({stepsPerSecond * batch:F0} images per domain per second); job wall time {(job.GetProperty("finishedAt").GetDateTimeOffset() - job.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds:F0} s.");
        report.AppendLine();
        report.AppendLine("| step | FD A→B (floor) | classified as B | cycle MSE | KID | precision | recall |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var s in metrics.GetProperty("evaluations").EnumerateArray())
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.GetProperty("step")} | {s.GetProperty("frechetDistance").GetDouble():F1} ({s.GetProperty("floor").GetProperty("frechetDistance").GetDouble():F1}) | {s.GetProperty("conditionalAccuracy").GetDouble():P1} | {s.GetProperty("reconstructionError").GetDouble():F4} | {s.GetProperty("kid").GetDouble():F3} | {s.GetProperty("precision").GetDouble():F2} | {s.GetProperty("recall").GetDouble():F2} |");
        report.AppendLine();
        report.AppendLine("Evaluation events (both directions):");
        report.AppendLine();
        foreach (var e in events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).Where(m => m.StartsWith("evaluated ", StringComparison.Ordinal)))
            report.AppendLine($"- {e}");
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "cyclegan.md"), report.ToString());
        Console.WriteLine(report);
    }
}
