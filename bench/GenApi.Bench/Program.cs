using System.Diagnostics;
using System.Text.Json;
using GenApi.Bench;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Training;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

// Speed of GenApi against its floors, each ratio measured in one run because the machine is shared and noisy:
// the training engine and the bare loop with the update guard against the bare TorchSharp loop (interleaved rounds), the bare loop's counted FLOP/s against
// the machine's fp32 matmul peak, a full job through the API against the bare loop, warm sampling over HTTP against
// the same work in-process, queue and cancel latency, API throughput, and intra-op threads 1 vs all cores.
// Usage: dotnet run -c Release --project bench/GenApi.Bench -- [--steps N] [--rounds N] [--job-steps N]
//        [--sample-requests N] [--load-seconds N] [--family-steps N] [--out FILE]     (CI runs it with small numbers to prove it works)
//        --metric-sensitivity [--samples N] [--data DIR]: what evaluation scores mean (real images with known defects)
//        --sweep [--sweep-steps N] [--base-channels N] [--samples N]: ASHA vs full-length trials, 2 workers vs 1 (bench/results/sweep.md)
//        --cyclegan [--cyclegan-steps N] [--base-channels N] [--samples N]: sneaker ↔ ankle-boot translation (bench/results/cyclegan.md)
//        --precision [--steps N] [--low-precision-steps N] [--rounds N] [--results DIR]: fp32 vs bf16 vs fp16 vs channels-last, batch sizes, matmul
//          peaks per type (bench/results/precision.md)
//        --frontier [--frontier-steps N] [--evaluations N] [--samples N] [--recipes a,b]: Fréchet distance against training minutes
//          for the presets and screened recipes (bench/results/frontier.md, frontier.png)
//        --compression [--parent-steps N] [--fine-tune-steps N] [--samples N] [--methods a,b] [--results DIR]: pruning, distillation and quantization of a DCGAN, each
//          against its parent in one run (bench/results/compression.md)
//        --transfer [--parent-steps N] [--transfer-steps N] [--samples N] [--results DIR]: fine-tuning a DCGAN from Fashion-MNIST's tops onto
//          its footwear (1,000 images and all) against training from scratch, at equal steps (bench/results/transfer.md)
//        --rvae [--rvae-steps N] [--rvae-fashion-steps N] [--samples N] [--rvae-dropouts P,P…]: recurrent VAEs with and without KL
//          annealing, and decoder input dropouts compared (bench/results/rvae.md)
//        --upload [--upload-mb N] [--rounds N] [--results DIR]: the peak memory one CSV upload adds to the API process, both layouts,
//          several uploads in one process (bench/results/upload.md)
// Every mode starts by naming the machine its figures come from.
Console.WriteLine(BenchHost.Line);
if (args.Contains("--metric-sensitivity"))
{
    set_num_threads(Environment.ProcessorCount);
    MetricSensitivity.Run(DatasetCatalog.FashionMnist, Option("--samples", 5000),
        OptionText("--data", Path.Combine(Path.GetTempPath(), "genapi-bench-evaluation")));
    return;
}
if (args.Contains("--cyclegan"))
{
    await TranslationBench.RunAsync(Option("--cyclegan-steps", 2000), Option("--base-channels", 32), Option("--samples", 2000), Path.Combine("bench", "results"));
    return;
}
if (args.Contains("--transfer"))
{
    await TransferBench.RunAsync(Option("--parent-steps", 3000), Option("--transfer-steps", 1000), Option("--samples", 2000), OptionText("--results", Path.Combine("bench", "results")));
    return;
}

if (args.Contains("--compression"))
{
    await CompressionBench.RunAsync(Option("--parent-steps", 2000), Option("--fine-tune-steps", 1000), Option("--samples", 2000),
        OptionText("--methods", "").Split(',', StringSplitOptions.RemoveEmptyEntries), OptionText("--results", Path.Combine("bench", "results")));
    return;
}
if (args.Contains("--rvae"))
{
    await SequenceBench.RunAsync(Option("--rvae-steps", 1500), Option("--rvae-fashion-steps", 1500), Option("--samples", 2000),
        OptionText("--rvae-dropouts", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        Path.Combine("bench", "results"));
    return;
}
if (args.Contains("--precision"))
{
    var data = DatasetCatalog.Create(new DatasetOptions(), Path.GetTempPath()).Load(DatasetCatalog.FashionMnist);
    PrecisionBench.Run(data, Option("--steps", 60), Option("--low-precision-steps", 4), Option("--rounds", 3), OptionText("--results", Path.Combine("bench", "results")));
    return;
}
if (args.Contains("--frontier"))
{
    await FrontierBench.RunAsync(Option("--frontier-steps", 3000), Option("--evaluations", 4), Option("--samples", 2000),
        OptionText("--recipes", "").Split(',', StringSplitOptions.RemoveEmptyEntries), Path.Combine("bench", "results"));
    return;
}
if (args.Contains("--upload"))
{
    await UploadBench.RunAsync(Option("--upload-mb", 20), Option("--rounds", 3), OptionText("--results", Path.Combine("bench", "results")));
    return;
}
if (args.Contains("--sweep"))
{
    await SweepBench.RunAsync(DatasetCatalog.FashionMnist, Option("--sweep-steps", 900), Option("--base-channels", 16), Option("--samples", 2000),
        Path.Combine("bench", "results"));
    return;
}
var steps = Option("--steps", 100);
var rounds = Option("--rounds", 3);
var jobSteps = Option("--job-steps", 300);
var sampleRequests = Option("--sample-requests", 200);
var loadSeconds = Option("--load-seconds", 5);
var familySteps = Option("--family-steps", 30);
var output = OptionText("--out", Path.Combine("bench", "results", "latest.json"));
const int batch = 64;

var cores = Environment.ProcessorCount;
set_num_threads(cores);
var catalog = DatasetCatalog.Create(new DatasetOptions(), Path.GetTempPath());
var dataset = catalog.Load(catalog.Problem(DatasetCatalog.FashionMnist) is null ? DatasetCatalog.FashionMnist : DatasetCatalog.Synthetic);
var config = new ModelConfig(dataset.ImageSize, dataset.Channels);
var scratch = Directory.CreateTempSubdirectory("genapi-bench");

double ImagesPerSecond(Action run)
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

void Guarded()
{
    using var loop = new BareLoop(config, guarded: true);
    loop.Run(dataset.Images, steps, batch);
}

void Engine()
{
    var settings = new TrainingSettings { Steps = steps, BatchSize = batch, CheckpointEvery = 50, SampleEvery = 50 };
    using var trainer = ModelFamilies.CreateTrainer(config, settings, CPU);
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
var guarded = new List<double>();
for (var round = 0; round < rounds; round++)
{
    bare.Add(ImagesPerSecond(Bare));
    guarded.Add(ImagesPerSecond(Guarded));
    engine.Add(ImagesPerSecond(Engine));
    Console.WriteLine($"round {round + 1}: bare {bare[^1]:F0} img/s, bare + update guard {guarded[^1]:F0} img/s, engine {engine[^1]:F0} img/s");
}
scratch.Delete(recursive: true);

set_num_threads(1);
var bareOneThread = ImagesPerSecond(Bare);
set_num_threads(cores);
var matmulPeak = PrecisionBench.MatmulGflops(ScalarType.Float32, repeats: 10, rounds: 5);
var bareGflops = Median(bare) / batch * Flops.PerStep(config, batch) / 1e9;
var families = FamilyBench.Run(dataset, familySteps);
var service = await ServiceBench.RunAsync(dataset.Name, jobSteps, sampleRequests, TimeSpan.FromSeconds(loadSeconds));

var result = new Dictionary<string, object>
{
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd"),
    ["cpu"] = GenApi.Worker.Compute.Kernels.HostFacts.Describe(),
    ["kernels"] = GenApi.Worker.Compute.Kernels.KernelSelection.Ensure().ToString(),
    ["threads"] = cores,
    ["dataset"] = dataset.Name,
    ["model"] = $"dcgan-{config.ImageSize}, batch {batch}, {steps} steps x {rounds} rounds; job {jobSteps} steps",
    ["bareLoopImagesPerSecond"] = Math.Round(Median(bare)),
    ["trainerImagesPerSecond"] = Math.Round(Median(engine)),
    ["trainerVsBareLoop"] = Math.Round(Median(engine) / Median(bare), 3),
    ["bareLoopWithUpdateGuardImagesPerSecond"] = Math.Round(Median(guarded)),
    ["updateGuardVsBareLoop"] = Math.Round(Median(guarded) / Median(bare), 3),
    ["jobImagesPerSecond"] = Math.Round(service.JobImagesPerSecond),
    ["trainJobVsBareLoop"] = Math.Round(service.JobImagesPerSecond / Median(bare), 3),
    ["firstJobImagesPerSecond"] = Math.Round(service.FirstJobImagesPerSecond),
    ["firstJobVsBareLoop"] = Math.Round(service.FirstJobImagesPerSecond / Median(bare), 3),
    ["bareLoopGflops"] = Math.Round(bareGflops, 1),
    ["matmulPeakGflops"] = Math.Round(matmulPeak, 1),
    ["bareLoopVsMatmulPeak"] = Math.Round(bareGflops / matmulPeak, 3),
    ["bareLoopOneThreadImagesPerSecond"] = Math.Round(bareOneThread),
    ["allThreadsVsOneThread"] = Math.Round(Median(bare) / bareOneThread, 2),
    ["queueLatencyMs"] = Math.Round(service.QueueLatencyMs),
    ["cancelLatencyMs"] = Math.Round(service.CancelLatencyMs),
    ["apiRequestsPerSecond"] = Math.Round(service.RequestsPerSecond),
    ["samplesRequests"] = sampleRequests,
    ["samplesP50Ms"] = Math.Round(ServiceBench.Percentile(service.SampleHttpMs, 0.5), 2),
    ["samplesP99Ms"] = Math.Round(ServiceBench.Percentile(service.SampleHttpMs, 0.99), 2),
    ["samplesFloorP50Ms"] = Math.Round(ServiceBench.Percentile(service.SampleFloorMs, 0.5), 2),
    ["samplesFloorP99Ms"] = Math.Round(ServiceBench.Percentile(service.SampleFloorMs, 0.99), 2),
    ["samplesP50VsFloor"] = Math.Round(ServiceBench.Percentile(service.SampleHttpMs, 0.5) / ServiceBench.Percentile(service.SampleFloorMs, 0.5), 3),
    ["samplesP99VsFloor"] = Math.Round(ServiceBench.Percentile(service.SampleHttpMs, 0.99) / ServiceBench.Percentile(service.SampleFloorMs, 0.99), 3),
    ["familyStepsPerSecond"] = families,
};
Console.WriteLine();
Console.WriteLine("| measure | value |\n|---|---|");
foreach (var (key, value) in result)
    Console.WriteLine($"| {key} | {(value is Dictionary<string, object> d ? string.Join(", ", d.Select(p => $"{p.Key} {p.Value}")) : value)} |");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) + "\n");
return;

int Option(string name, int fallback) => int.TryParse(OptionText(name, ""), out var v) ? v : fallback;
string OptionText(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
