using GenApi.Worker.Artifacts;
using GenApi.Worker.Compute;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using GenApi.Worker.Models;
using GenApi.Worker.Telemetry;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Rendering;

/// <summary>
/// Draws samples from trained generators. Latents come from a CPU generator seeded by the request, so a seed
/// names the same images on every device; sample i of a seed is row i of that stream. Loaded generators stay
/// in a least-recently-used cache bounded by memory, so a warm request costs one forward pass and PNG encoding.
/// </summary>
public sealed partial class ModelSampler(ArtifactPaths paths, TorchDevice device, SampleGrid grid, IOptions<SamplingOptions> options, Datasets.DatasetCatalog datasets)
    : IDisposable
{
    private readonly LinkedList<Loaded> _cache = new();
    private readonly Lock _cacheLock = new();

    /// <summary>Models with a network currently loaded, most recently used first.</summary>
    public IReadOnlyList<string> CachedModelIds
    {
        get { lock (_cacheLock) return _cache.Select(l => l.Id).Distinct().ToList(); }
    }

    /// <summary>A grid of samples 0…count-1 of <paramref name="seed"/>.</summary>
    public byte[] RenderGrid(ModelRecord model, SampleOptions sample, int count, long seed, double? truncation, int? columns, int scale)
    {
        using var scope = NewDisposeScope();
        return grid.RenderPng(Generate(model, sample, Latents(model, count, seed, truncation)), model.Config, columns, scale);
    }

    /// <summary>Sample <paramref name="index"/> of <paramref name="seed"/> alone: the same image as in the grid.</summary>
    public byte[] RenderOne(ModelRecord model, SampleOptions sample, int index, long seed, double? truncation, int scale)
    {
        using var scope = NewDisposeScope();
        var z = Latents(model, index + 1, seed, truncation);
        return grid.RenderSinglePng(Generate(model, sample, z).narrow(0, index, 1), model.Config, scale);
    }

    /// <summary>A row of <paramref name="steps"/> images along the great circle from sample 0 of one seed to sample 0 of another.</summary>
    public byte[] RenderInterpolation(ModelRecord model, SampleOptions sample, long from, long to, int steps, double? truncation, int scale)
    {
        using var scope = NewDisposeScope();
        var z = Slerp(Latents(model, 1, from, truncation)[0], Latents(model, 1, to, truncation)[0], steps);
        return grid.RenderPng(Generate(model, sample with { Label = sample.Label ?? 0 }, z), model.Config, steps, scale);
    }

    /// <summary>Encodes and decodes <paramref name="image"/> (<c>[C, H, W]</c> in [-1, 1]) with a VAE model: its reconstruction from the posterior mean, as PNG.</summary>
    public byte[] Reconstruct(ModelRecord model, Tensor image, int? label, int scale)
    {
        using var scope = NewDisposeScope();
        var encoder = AcquireEncoder(model);
        using var noGrad = no_grad();
        var labels = model.Config.Conditional ? tensor(new long[] { label ?? 0 }, device: device.Device) : null;
        Tensor mean;
        lock (encoder) (mean, _) = encoder.call(image.unsqueeze(0).to(device.Device), labels);
        var generator = Acquire(model, ema: false);
        lock (generator) return grid.RenderSinglePng(generator.call(mean, labels).cpu(), scale);
    }

    /// <summary>Scores the model as it is sampled, on its dataset's test split, alone with its networks.</summary>
    public EvaluationResult Evaluate(ModelRecord model, Evaluation.Evaluator evaluator, CancellationToken cancellation)
    {
        if (ModelFamilies.Get(model.Family).Operations.HasFlag(FamilyOperations.Translate))
            return WithTranslators(model, null, (aToB, bToA) =>
                evaluator.EvaluateTranslation(aToB, bToA, model.Config, model.Dataset, model.Steps, cancellation: cancellation));
        return WithGenerator(model, (g, e) => evaluator.Evaluate(g, model.Dataset, model.Steps, encoder: e, cancellation: cancellation));
    }

    /// <summary>Runs <paramref name="use"/> with the model's loaded generator, alone (e.g. to evaluate it).</summary>
    /// <remarks>VAEs also get their encoder; other families null.</remarks>
    public T WithGenerator<T>(ModelRecord model, Func<ImageGenerator, LatentEncoder?, T> use)
    {
        var generator = Acquire(model, model.Config.Ema);
        var encoder = ModelFamilies.Get(model.Family).Operations.HasFlag(FamilyOperations.Reconstruct) ? AcquireEncoder(model) : null;
        lock (generator)
        {
            if (encoder is null) return use(generator, null);
            lock (encoder) return use(generator, encoder);
        }
    }

    /// <summary>Unloads a model (after it was deleted).</summary>
    public void Evict(string modelId)
    {
        lock (_cacheLock)
        {
            var node = _cache.First;
            while (node is not null)
            {
                var next = node.Next;
                if (node.Value.Id == modelId) _cache.Remove(node);
                node = next;
            }
        }
    }

    public void Dispose()
    {
        lock (_cacheLock)
        {
            foreach (var loaded in _cache) loaded.Module.Dispose();
            _cache.Clear();
        }
    }

    /// <summary>Spherical interpolation, the usual path between Gaussian latents (a straight line passes through low-norm, atypical z).</summary>
    public static Tensor Slerp(Tensor from, Tensor to, int steps)
    {
        var t = linspace(0, 1, steps).unsqueeze(1);
        var cosine = (from / from.norm()).dot(to / to.norm()).clamp(-1, 1);
        var omega = cosine.acos();
        if (omega.item<float>() < 1e-4) return from.unsqueeze(0) * (1 - t) + to.unsqueeze(0) * t;
        var sine = omega.sin();
        return from.unsqueeze(0) * (((1 - t) * omega).sin() / sine) + to.unsqueeze(0) * ((t * omega).sin() / sine);
    }

    /// <summary>
    /// Rows of N(0, I) noise for a seed. With truncation ψ, entries beyond ±ψ are redrawn until none is (the
    /// truncation trick: less variety, more typical samples).
    /// </summary>
    public static Tensor Latents(ModelRecord model, int count, long seed, double? truncation)
    {
        using var random = new Generator((ulong)seed);
        var z = randn(new long[] { count, model.Config.LatentDim }, generator: random);
        if (truncation is not { } psi) return z;
        for (var round = 0; round < 1000; round++)
        {
            using var outside = z.abs() > psi;
            if (!outside.any().item<bool>()) break;
            z = where(outside, randn(z.shape, generator: random), z);
        }
        return z;
    }

    private Tensor Generate(ModelRecord model, SampleOptions sample, Tensor z)
    {
        var generator = Acquire(model, sample.Ema ?? model.Config.Ema);
        using var noGrad = no_grad();
        var input = z.to(device.Device);
        // Without a label, a conditional model's samples cycle through the classes: row by row in a grid of `classes` columns.
        var labels = !model.Config.Conditional ? null
            : sample.Label is { } label ? full(z.shape[0], label, int64, device.Device)
            : arange(z.shape[0], device: device.Device).remainder_(model.Config.Classes);
        // A module's forward is not safe to share between threads.
        lock (generator) return generator.call(input, labels).cpu();
    }

    private ImageGenerator Acquire(ModelRecord model, bool ema) =>
        (ImageGenerator)Acquire(model, ema ? ArtifactLayout.EmaFile : ArtifactLayout.GeneratorFile);

    private LatentEncoder AcquireEncoder(ModelRecord model) => (LatentEncoder)Acquire(model, ArtifactLayout.EncoderFile);

    /// <summary>The model's network in <paramref name="file"/>, built by its family and loaded once.</summary>
    private nn.Module Acquire(ModelRecord model, string file)
    {
        lock (_cacheLock)
        {
            for (var node = _cache.First; node is not null; node = node.Next)
            {
                if (node.Value.Id != model.Id || node.Value.File != file) continue;
                _cache.Remove(node);
                _cache.AddFirst(node);
                WorkerMetrics.SamplerCacheLookups.Add(1, CacheResult("hit"));
                return node.Value.Module;
            }
            WorkerMetrics.SamplerCacheLookups.Add(1, CacheResult("miss"));
            using var span = Telemetry.Tracing.Start("load generator")?.SetTag("genapi.model.id", model.Id).SetTag("genapi.model.file", file);
            var module = ModelFamilies.Get(model.Family).CreateNetwork(model.Config, file);
            WeightCodec.Load(module, paths.ModelFile(model.Id, file));
            module.to(device.Device).eval();
            var bytes = module.parameters().Concat(module.buffers()).Sum(t => t.NumberOfElements * t.ElementSize);
            _cache.AddFirst(new Loaded(model.Id, file, module, bytes));
            var budget = options.Value.CacheMegabytes * 1024L * 1024L;
            // Unloaded modules are not disposed: a request may still hold one; the finalizer frees it.
            while (_cache.Count > 1 && _cache.Sum(l => l.Bytes) > budget) _cache.RemoveLast();
            return module;
        }
    }

    private static KeyValuePair<string, object?> CacheResult(string result) => new("genapi.cache.result", result);

    private sealed record Loaded(string Id, string File, nn.Module Module, long Bytes);
}

/// <summary>Which of a model's generators to sample, and for which class.</summary>
/// <param name="Ema">The EMA generator (true), the raw one (false), or the model's default (null: EMA when it has one).</param>
/// <param name="Label">The class of every sample (conditional models); null cycles through the classes.</param>
public sealed record SampleOptions(bool? Ema = null, int? Label = null)
{
    public static SampleOptions Default { get; } = new();
}
