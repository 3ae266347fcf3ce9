using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GenApi.Bench;

/// <summary>
/// Sweeps over real HTTP on Fashion-MNIST: a 9-trial learning-rate × loss grid with ASHA against the same trials run to
/// full length (wall time saved, same winner?), and the ASHA sweep on 2 workers against 1. Writes a markdown report and
/// the ASHA sweep's chart to <c>bench/results</c>.
/// </summary>
internal static class SweepBench
{
    public static async Task RunAsync(string dataset, int steps, int baseChannels, int samples, string outputDirectory)
    {
        var report = BenchHost.NewReport();
        var body = Sweep(dataset, steps, baseChannels, "asha");
        var (asha, ashaSeconds, chart, ashaCost) = await RunSweepAsync(body, null, workers: 1, samples);
        var (full, fullSeconds, _, _) = await RunSweepAsync(Sweep(dataset, steps, baseChannels, "none"), null, workers: 1, samples);
        var (cheap, cheapSeconds, _, cheapCost) = await RunSweepAsync(Sweep(dataset, steps, baseChannels, "asha", samples / 4), samples / 4, workers: 1, samples);
        var (_, twoWorkerSeconds, _, _) = await RunSweepAsync(body, null, workers: 2, samples);
        string Best(JsonElement s) => s.GetProperty("best") is { ValueKind: JsonValueKind.Object } b
            ? $"trial {b.GetProperty("number")} ({Params(b)}), FD {b.GetProperty("score").GetDouble():F1}" : "none";
        report.AppendLine(CultureInfo.InvariantCulture, $"9-trial grid (lr 2e-4|8e-4|2e-3 × loss bce|hinge|lsgan), DCGAN baseChannels {baseChannels}, {steps} steps, evaluation {samples} samples, {Environment.ProcessorCount} cores:");
        report.AppendLine();
        report.AppendLine("| run | wall time | best trial |");
        report.AppendLine("|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| ASHA (η 3), 1 worker | {ashaSeconds:F0} s | {Best(asha)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| every trial to full length, 1 worker | {fullSeconds:F0} s | {Best(full)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| ASHA (η 3), rung evaluations of {samples / 4} samples, 1 worker | {cheapSeconds:F0} s | {Best(cheap)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| ASHA (η 3), 2 workers | {twoWorkerSeconds:F0} s | |");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"ASHA saves {1 - ashaSeconds / fullSeconds:P0} of the wall time; 2 workers vs 1: ×{ashaSeconds / twoWorkerSeconds:F2}.");
        report.AppendLine(CultureInfo.InvariantCulture, $"One evaluation costs {ashaCost:F1} s at {samples} samples, {cheapCost:F1} s at {samples / 4}.");
        report.AppendLine(CultureInfo.InvariantCulture, $"Trials stopped at each rung, {samples} vs {samples / 4} samples per rung evaluation: {Stops(asha)} vs {Stops(cheap)}.");
        report.AppendLine();
        report.AppendLine("ASHA leaderboard:");
        report.AppendLine();
        report.AppendLine("| trial | parameters | status | FD by step | images/s | wall s |");
        report.AppendLine("|---|---|---|---|---|---|");
        foreach (var t in asha.GetProperty("leaderboard").EnumerateArray())
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.GetProperty("number")} | {Params(t)} | {t.GetProperty("status").GetString()} | {string.Join(", ", t.GetProperty("scores").EnumerateArray().Select(s => $"{s.GetProperty("step")}: {s.GetProperty("value").GetDouble():F1}"))} | {t.GetProperty("imagesPerSecond")} | {t.GetProperty("wallSeconds")} |");
        Directory.CreateDirectory(outputDirectory);
        await File.WriteAllBytesAsync(Path.Combine(outputDirectory, "sweep-chart.png"), chart);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "sweep.md"), report.ToString());
        Console.WriteLine(report);
    }

    // Which trials stopped where: "1@100 2@100 5@300".
    private static string Stops(JsonElement sweep) => string.Join(" ", sweep.GetProperty("leaderboard").EnumerateArray()
        .Where(t => t.GetProperty("status").GetString() == "pruned").OrderBy(t => t.GetProperty("number").GetInt32())
        .Select(t => $"{t.GetProperty("number")}@{t.GetProperty("scoredAtStep")}"));

    private static string Params(JsonElement trial) =>
        string.Join(", ", trial.GetProperty("parameters").EnumerateObject().Select(p => $"{p.Name} {p.Value}"));

    private static object Sweep(string dataset, int steps, int baseChannels, string earlyStopping, int? rungSamples = null) => new
    {
        @base = new { dataset, steps, baseChannels, batchSize = 64, checkpointEvery = steps / 9, sampleEvery = steps },
        parameters = new Dictionary<string, object>
        {
            ["learningRate"] = new { values = new[] { 2e-4, 8e-4, 2e-3 } },
            ["loss"] = new { values = new[] { "bce", "hinge", "lsgan" } },
        },
        method = "grid", seed = 1, maxParallel = 2,
        earlyStopping = new { type = earlyStopping, eta = 3, minSteps = steps / 9, rungSamples },
    };

    private static async Task<(JsonElement Sweep, double Seconds, byte[] Chart, double EvaluationSeconds)> RunSweepAsync(object body, int? rungSamples, int workers, int samples)
    {
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string>
        {
            ["Worker:WorkerCount"] = workers.ToString(CultureInfo.InvariantCulture), ["Evaluation:Samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        var client = service.Client;
        // The classifier the metric needs is trained once per dataset: not part of any sweep's time.
        await service.WarmEvaluationAsync("fashion-mnist");

        var clock = Stopwatch.StartNew();
        var response = await client.PostAsJsonAsync("/v1/sweeps", body);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        JsonElement sweep;
        while ((sweep = await client.GetFromJsonAsync<JsonElement>($"/v1/sweeps/{id}")).GetProperty("status").GetString() == "running") await Task.Delay(500);
        var seconds = clock.Elapsed.TotalSeconds;
        var chart = await client.GetByteArrayAsync($"/v1/sweeps/{id}/chart.png");
        // What a rung evaluation costs: the evaluation events of the first trial ("evaluated N samples in X s: …").
        var events = await client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{sweep.GetProperty("leaderboard").EnumerateArray().Single(t => t.GetProperty("number").GetInt32() == 1).GetProperty("jobId")}/events");
        var costs = events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("message").GetString()!)
            .Where(m => m.StartsWith("evaluated ", StringComparison.Ordinal))
            .Select(m => (N: int.Parse(m.Split(' ')[1], CultureInfo.InvariantCulture), Seconds: double.Parse(m.Split(" in ")[1].Split(' ')[0], CultureInfo.InvariantCulture)))
            .Where(c => c.N == (rungSamples ?? samples)).ToList();
        return (sweep, seconds, chart, costs.Count > 0 ? costs.Average(c => c.Seconds) : double.NaN);
    }
}
