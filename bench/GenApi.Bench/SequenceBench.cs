using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GenApi.Bench;

/// <summary>
/// The recurrent VAEs over real HTTP: crvae on synthetic-sequences and rvae on Fashion-MNIST read row by row, each with and
/// without KL annealing, with speed, the scores at the last checkpoint and the number of active latent dimensions (what
/// annealing is for). Writes <c>rvae.md</c> and sample pictures to <c>bench/results</c>.
/// </summary>
internal static class SequenceBench
{
    /// <param name="inputDropouts">Decoder input dropouts to compare on synthetic-sequences (with annealing), besides the default.</param>
    public static async Task RunAsync(int syntheticSteps, int fashionSteps, int samples, IReadOnlyList<double> inputDropouts, string outputDirectory)
    {
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string>
        {
            ["Evaluation:Samples"] = samples.ToString(CultureInfo.InvariantCulture),
        });
        Directory.CreateDirectory(outputDirectory);
        // Row-read Fashion-MNIST is scored on the image classifier (cached across benchmark runs); the sequence classifier is quick.
        if (fashionSteps > 0) await service.WarmEvaluationAsync("fashion-mnist");
        var report = BenchHost.NewReport();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Recurrent VAEs through the API, {Environment.ProcessorCount} cores, family defaults (GRU, hidden 128, 1 layer, bidirectional encoder, latent 32, Adam 1e-3, batch 64, mse, inputDropout {GenApi.Worker.Contracts.RecurrentSpec.DefaultInputDropout}) unless stated; scores at the last step on {samples} samples of the test split.");
        report.AppendLine();
        report.AppendLine("| run | steps | steps/s | FD (floor) | class acc. | recon. MSE | ELBO | KL | active dims |");
        report.AppendLine("|---|---|---|---|---|---|---|---|---|");
        var standard = GenApi.Worker.Contracts.RecurrentSpec.DefaultInputDropout;
        var runs = new List<(string Name, string Model, string Dataset, int Steps, int Warmup, double InputDropout, string Picture)>
        {
            ("crvae, synthetic-sequences, KL annealing 200 steps", "crvae", "synthetic-sequences", syntheticSteps, 200, standard, "rvae-synthetic.png"),
            ("crvae, synthetic-sequences, no annealing", "crvae", "synthetic-sequences", syntheticSteps, 0, standard, ""),
            ("rvae, Fashion-MNIST rows, KL annealing 200 steps", "rvae", "fashion-mnist", fashionSteps, 200, standard, "rvae-fashion.png"),
            ("rvae, Fashion-MNIST rows, no annealing", "rvae", "fashion-mnist", fashionSteps, 0, standard, ""),
        };
        runs.AddRange(inputDropouts.Where(p => p != standard).Select(p =>
            ($"crvae, synthetic-sequences, annealing, inputDropout {p}", "crvae", "synthetic-sequences", syntheticSteps, 200, p, "")));
        foreach (var run in runs.Where(r => r.Steps > 0))
        {
            var (job, metrics, stepsPerSecond) = await service.TrainAsync(new
            {
                model = run.Model, dataset = run.Dataset, steps = run.Steps, seed = 1, evaluate = true, klWarmupSteps = run.Warmup,
                inputDropout = run.InputDropout, checkpointEvery = run.Steps, sampleEvery = run.Steps,
            });
            var s = metrics.GetProperty("evaluations").EnumerateArray().Last();
            var accuracy = s.GetProperty("conditionalAccuracy") is { ValueKind: JsonValueKind.Number } a ? a.GetDouble().ToString("P1", CultureInfo.InvariantCulture) : "–";
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Name} | {run.Steps} | {stepsPerSecond:F1} | {s.GetProperty("frechetDistance").GetDouble():F1} ({s.GetProperty("floor").GetProperty("frechetDistance").GetDouble():F1}) | {accuracy} | {s.GetProperty("reconstructionError").GetDouble():F4} | {s.GetProperty("elbo").GetDouble():F1} | {s.GetProperty("kl").GetDouble():F2} | {s.GetProperty("activeDimensions").GetInt32()} of 32 |");
            if (run.Picture.Length > 0)
                await File.WriteAllBytesAsync(Path.Combine(outputDirectory, run.Picture),
                    await service.Client.GetByteArrayAsync($"/v1/models/{job.GetProperty("modelId").GetString()}/samples.png?count=24&nrow=6&seed=1&scale=2"));
        }
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "rvae.md"), report.ToString());
        Console.WriteLine(report);
    }
}
