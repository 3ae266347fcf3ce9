using GenApi.Worker.Jobs;
using GenApi.Worker.Models;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Rendering;

/// <summary>
/// Draws samples from trained generators. Latents come from a CPU generator seeded by the request, so a seed
/// names the same images on every device; sample i of a seed is row i of that stream. Loaded generators stay
/// in a least-recently-used cache bounded by memory, so a warm request costs one forward pass and PNG encoding.
/// </summary>
public sealed class ModelSampler(ArtifactPaths paths, TorchDevice device, SampleGrid grid, IOptions<SamplingOptions> options) : IDisposable
{
    private readonly LinkedList<Loaded> _cache = new();
    private readonly Lock _cacheLock = new();

    /// <summary>Generators currently loaded, most recently used first.</summary>
    public IReadOnlyList<string> CachedModelIds
    {
        get { lock (_cacheLock) return _cache.Select(l => l.Id).ToList(); }
    }

    /// <summary>A grid of samples 0…count-1 of <paramref name="seed"/>.</summary>
    public byte[] RenderGrid(ModelRecord model, int count, long seed, double? truncation, int? columns, int scale)
    {
        using var scope = NewDisposeScope();
        return grid.RenderPng(Generate(model, Latents(model, count, seed, truncation)), columns, scale);
    }

    /// <summary>Sample <paramref name="index"/> of <paramref name="seed"/> alone: the same image as in the grid.</summary>
    public byte[] RenderOne(ModelRecord model, int index, long seed, double? truncation, int scale)
    {
        using var scope = NewDisposeScope();
        var z = Latents(model, index + 1, seed, truncation).narrow(0, index, 1);
        return grid.RenderPng(Generate(model, z), 1, scale);
    }

    /// <summary>A row of <paramref name="steps"/> images along the great circle from sample 0 of one seed to sample 0 of another.</summary>
    public byte[] RenderInterpolation(ModelRecord model, long from, long to, int steps, double? truncation, int scale)
    {
        using var scope = NewDisposeScope();
        var z = Slerp(Latents(model, 1, from, truncation)[0], Latents(model, 1, to, truncation)[0], steps);
        return grid.RenderPng(Generate(model, z), steps, scale);
    }

    /// <summary>Runs <paramref name="use"/> with the model's loaded generator, alone (e.g. to evaluate it).</summary>
    public T WithGenerator<T>(ModelRecord model, Func<DcganGenerator, T> use)
    {
        var generator = Acquire(model);
        lock (generator) return use(generator);
    }

    /// <summary>Unloads a model (after it was deleted).</summary>
    public void Evict(string modelId)
    {
        lock (_cacheLock)
        {
            var node = _cache.First;
            while (node is not null && node.Value.Id != modelId) node = node.Next;
            if (node is not null) _cache.Remove(node);
        }
    }

    public void Dispose()
    {
        lock (_cacheLock)
        {
            foreach (var loaded in _cache) loaded.Generator.Dispose();
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

    private Tensor Generate(ModelRecord model, Tensor z)
    {
        var generator = Acquire(model);
        using var noGrad = no_grad();
        var input = z.to(device.Device);
        // A module's forward is not safe to share between threads.
        lock (generator) return generator.call(input).cpu();
    }

    private DcganGenerator Acquire(ModelRecord model)
    {
        lock (_cacheLock)
        {
            for (var node = _cache.First; node is not null; node = node.Next)
            {
                if (node.Value.Id != model.Id) continue;
                _cache.Remove(node);
                _cache.AddFirst(node);
                return node.Value.Generator;
            }
            var generator = new DcganGenerator(model.Config);
            generator.load(paths.ModelGenerator(model.Id));
            generator.to(device.Device).eval();
            var bytes = generator.parameters().Concat(generator.buffers()).Sum(t => t.NumberOfElements * t.ElementSize);
            _cache.AddFirst(new Loaded(model.Id, generator, bytes));
            var budget = options.Value.CacheMegabytes * 1024L * 1024L;
            // Unloaded generators are not disposed: a request may still hold one; the finalizer frees it.
            while (_cache.Count > 1 && _cache.Sum(l => l.Bytes) > budget) _cache.RemoveLast();
            return generator;
        }
    }

    private sealed record Loaded(string Id, DcganGenerator Generator, long Bytes);
}
