using System.Diagnostics;
using System.Text.Json;
using GenApi.Bench;
using GenApi.Worker.Datasets;
using GenApi.Worker.Models;
using GenApi.Worker.Training;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

// Training throughput of the engine (DcganTrainer with progress reports, checkpoints and grids) against the
// bare TorchSharp loop, interleaved in rounds so that noise from a shared machine hits both alike.
// Then warm sampling latency over HTTP against the in-process floor.
// Usage: dotnet run -c Release --project bench/GenApi.Bench -- [--steps N] [--rounds N] [--sample-requests N] [--out FILE]
var steps = Option("--steps", 100);
var rounds = Option("--rounds", 3);
var output = OptionText("--out", Path.Combine("bench", "results", "latest.json"));
const int batch = 64;

set_num_threads(Environment.ProcessorCount);
var catalog = new DatasetCatalog(Options.Create(new DatasetOptions()));
var dataset = catalog.Load(catalog.Problem(DatasetCatalog.FashionMnist) is null ? DatasetCatalog.FashionMnist : DatasetCatalog.Synthetic);
var config = new DcganConfig(dataset.ImageSize, dataset.Channels);
var scratch = Directory.CreateTempSubdirectory("genapi-bench");

double Measure(Action run)
{
    var clock = Stopwatch.StartNew();
    run();
    return steps * batch / clock.Elapsed.TotalSeconds;
}

void Bare()
{
    using var loop = new BareLoop(config);
    loop.Run(dataset.Images, steps, batch);
}

void Engine()
{
    var settings = new TrainingSettings { Steps = steps, BatchSize = batch, CheckpointEvery = 50, SampleEvery = 50 };
    using var trainer = new DcganTrainer(config, settings, CPU);
    var hooks = new TrainingHooks
    {
        Checkpoint = t => t.SaveCheckpoint(Directory.CreateDirectory(Path.Combine(scratch.FullName, $"step-{t.Step}")).FullName),
        // Stands in for PNG encoding: forces the grid to be computed.
        Samples = images => { using var total = images.sum(); total.item<float>(); },
    };
    trainer.Train(dataset, hooks, CancellationToken.None);
}

Bare(); // warm-up: first-call costs of libtorch and the JIT
var bare = new List<double>();
var engine = new List<double>();
for (var round = 0; round < rounds; round++)
{
    bare.Add(Measure(Bare));
    engine.Add(Measure(Engine));
    Console.WriteLine($"round {round + 1}: bare {bare[^1]:F0} img/s, engine {engine[^1]:F0} img/s");
}
scratch.Delete(recursive: true);

var sampleRequests = Option("--sample-requests", 200);
var (http, floor) = await SamplingBench.RunAsync(dataset.Name, sampleRequests);

var result = new Dictionary<string, object>
{
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd"),
    ["cpu"] = CpuName(),
    ["threads"] = get_num_threads(),
    ["dataset"] = dataset.Name,
    ["model"] = $"dcgan-{config.ImageSize}, batch {batch}, {steps} steps x {rounds} rounds",
    ["bareLoopImagesPerSecond"] = Math.Round(Median(bare)),
    ["trainerImagesPerSecond"] = Math.Round(Median(engine)),
    ["trainerVsBareLoop"] = Math.Round(Median(engine) / Median(bare), 3),
    ["samplesRequests"] = sampleRequests,
    ["samplesP50Ms"] = Math.Round(SamplingBench.Percentile(http, 0.5), 2),
    ["samplesP99Ms"] = Math.Round(SamplingBench.Percentile(http, 0.99), 2),
    ["samplesFloorP50Ms"] = Math.Round(SamplingBench.Percentile(floor, 0.5), 2),
    ["samplesFloorP99Ms"] = Math.Round(SamplingBench.Percentile(floor, 0.99), 2),
    ["samplesP50VsFloor"] = Math.Round(SamplingBench.Percentile(http, 0.5) / SamplingBench.Percentile(floor, 0.5), 3),
    ["samplesP99VsFloor"] = Math.Round(SamplingBench.Percentile(http, 0.99) / SamplingBench.Percentile(floor, 0.99), 3),
};
Console.WriteLine();
Console.WriteLine($"| measure | value |\n|---|---|");
foreach (var (key, value) in result) Console.WriteLine($"| {key} | {value} |");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) + "\n");
return;

int Option(string name, int fallback) => int.TryParse(OptionText(name, ""), out var v) ? v : fallback;
string OptionText(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
static string CpuName() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
        : "unknown";
