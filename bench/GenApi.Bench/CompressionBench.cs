using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GenApi.Bench;

/// <summary>
/// Model compression on a Fashion-MNIST DCGAN over real HTTP: one parent trained with the <c>fast</c> preset, then every method
/// through <c>POST /v1/models/{id}/compress</c>. Each job's report measures the derived model against the parent in the same run
/// (file size, warm 64-sample latency, Fréchet distance on the same evaluation, fidelity). Writes <c>compression.md</c>.
/// </summary>
internal static class CompressionBench
{
    /// <param name="only">Names of the methods to run (all when empty); the report is then <c>compression-{fine-tune steps}.md</c>.</param>
    public static async Task RunAsync(int parentSteps, int fineTuneSteps, int samples, IReadOnlyList<string> only, string outputDirectory)
    {
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string>
        {
            ["Evaluation:Samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        await service.WarmEvaluationAsync("fashion-mnist");
        var (trained, _, stepsPerSecond) = await service.TrainAsync(new
        {
            model = "dcgan", dataset = "fashion-mnist", preset = "fast", steps = parentSteps, seed = 1, checkpointEvery = parentSteps, sampleEvery = parentSteps,
        });
        var parent = trained.GetProperty("modelId").GetString()!;
        Console.WriteLine($"parent {parent}: {parentSteps} steps at {stepsPerSecond:F2} steps/s");
        var methods = new (string Name, object Body)[]
        {
            ("prune channels 50 % + fine-tune", new { prune = new { sparsity = 0.5, method = "channels", fineTuneSteps } }),
            ("prune channels 75 % + fine-tune", new { prune = new { sparsity = 0.75, method = "channels", fineTuneSteps } }),
            ("prune channels 50 % + fine-tune + int8", new { prune = new { sparsity = 0.5, method = "channels", fineTuneSteps }, quantize = "int8" }),
            ("distill ½ width (32)", new { distill = new { studentBaseChannels = 32, steps = fineTuneSteps } }),
            ("distill ¼ width (16)", new { distill = new { studentBaseChannels = 16, steps = fineTuneSteps } }),
            ("prune magnitude 75 % + fine-tune", new { prune = new { sparsity = 0.75, fineTuneSteps } }),
            ("int8", new { quantize = "int8" }),
            ("bf16", new { quantize = "bf16" }),
        };
        var report = BenchHost.NewReport()
            .AppendLine("# Compression of a Fashion-MNIST DCGAN (bench --compression)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Parent: dcgan, preset fast, {parentSteps} steps, baseChannels 64, latentDim 100. Each row is one compression job; its")
            .AppendLine(CultureInfo.InvariantCulture, $"report measures the parent and the derived model in the same run: files, warm `samples.png?count=64` p50 over")
            .AppendLine(CultureInfo.InvariantCulture, $"15 interleaved renders, Fréchet distance on {samples} samples (our evaluator), fidelity = mean |G − G_parent| per pixel.")
            .AppendLine(CultureInfo.InvariantCulture, $"Fine-tuning and distillation: {fineTuneSteps} steps of batch 64. Machine: {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}.")
            .AppendLine()
            .AppendLine("| method | parameters | file | smaller | MFLOP/sample | p50 ms (parent) | faster | FD (parent) | ΔFD | precision / recall | fidelity | minutes |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var parentDescribed = false;
        foreach (var (name, body) in methods.Where(m => only.Count == 0 || only.Any(o => m.Name.StartsWith(o, StringComparison.Ordinal))))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var posted = await service.Client.PostAsJsonAsync($"/v1/models/{parent}/compress", body);
            var created = await posted.Content.ReadFromJsonAsync<JsonElement>();
            if (!posted.IsSuccessStatusCode) throw new InvalidOperationException($"{name} was refused: {created}");
            var id = created.GetProperty("id").GetString();
            JsonElement job;
            while ((job = await service.Client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}")).GetProperty("status").GetString() is "queued" or "running")
                await Task.Delay(1000);
            if (job.GetProperty("status").GetString() != "succeeded") throw new InvalidOperationException($"{name} ended {job}");
            var model = await service.Client.GetFromJsonAsync<JsonElement>($"/v1/models/{job.GetProperty("modelId").GetString()}");
            var r = model.GetProperty("compressionReport");
            var (p, d) = (r.GetProperty("parent"), r.GetProperty("derived"));
            var (pq, dq) = (p.GetProperty("quality"), d.GetProperty("quality"));
            var (pfd, dfd) = (pq.GetProperty("frechetDistance").GetDouble(), dq.GetProperty("frechetDistance").GetDouble());
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {d.GetProperty("nonZeroParameters").GetInt64():N0} of {d.GetProperty("parameters").GetInt64():N0} | {d.GetProperty("fileBytes").GetInt64() / 1024.0:N0} KiB " +
                $"| {r.GetProperty("sizeRatio").GetDouble():F2}× | {d.GetProperty("flopsPerSample").GetInt64() / 1e6:F1} " +
                $"| {d.GetProperty("latencyP50Ms").GetDouble():F1} ({p.GetProperty("latencyP50Ms").GetDouble():F1}) | {r.GetProperty("speedUp").GetDouble():F2}× " +
                $"| {dfd:F1} ({pfd:F1}) | {(dfd / pfd - 1) * 100:+0.0;-0.0;0.0} % | {dq.GetProperty("precision").GetDouble():F2} / {dq.GetProperty("recall").GetDouble():F2} " +
                $"| {r.GetProperty("fidelity").GetDouble():F4} | {clock.Elapsed.TotalMinutes:F1} |");
            Console.WriteLine(row);
            report.AppendLine(row);
            if (!parentDescribed)
            {
                parentDescribed = true;
                report.Insert(report.ToString().IndexOf("| method", StringComparison.Ordinal), string.Create(CultureInfo.InvariantCulture,
                    $"Parent: {p.GetProperty("parameters").GetInt64():N0} parameters, {p.GetProperty("fileBytes").GetInt64() / 1024.0:N0} KiB, " +
                    $"{p.GetProperty("flopsPerSample").GetInt64() / 1e6:F1} MFLOP per sample.{Environment.NewLine}{Environment.NewLine}"));
            }
        }
        Directory.CreateDirectory(outputDirectory);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, only.Count == 0 ? "compression.md" : $"compression-{fineTuneSteps}.md"), report.ToString());
    }
}
