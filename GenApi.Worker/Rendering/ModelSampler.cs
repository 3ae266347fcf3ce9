using GenApi.Worker.Jobs;
using GenApi.Worker.Models;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Rendering;

/// <summary>
/// Draws samples from trained generators. Loaded generators are kept (a few, least recently used first out)
/// so a warm request costs one forward pass and the PNG encoding.
/// </summary>
public sealed class ModelSampler(ArtifactPaths paths, TorchDevice device, SampleGrid grid) : IDisposable
{
    private const int CachedModels = 8;
    private readonly LinkedList<(string Id, DcganGenerator Generator)> _cache = new();
    private readonly Lock _cacheLock = new();

    /// <summary>A PNG grid of <paramref name="count"/> samples; the same seed gives the same bytes.</summary>
    public byte[] RenderPng(ModelRecord model, int count, long seed)
    {
        var generator = Acquire(model);
        // Noise is drawn on the CPU so a seed means the same latents on every device.
        using var random = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = randn(new long[] { count, model.Config.LatentDim, 1, 1 }, generator: random).to(device.Device);
        Tensor images;
        // A module's forward is not safe to share between threads.
        lock (generator) images = generator.call(z);
        return grid.RenderPng(images);
    }

    public void Dispose()
    {
        lock (_cacheLock)
        {
            foreach (var (_, generator) in _cache) generator.Dispose();
            _cache.Clear();
        }
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
            _cache.AddFirst((model.Id, generator));
            if (_cache.Count > CachedModels)
            {
                // Not disposed: a request may still be using it; the finalizer frees it.
                _cache.RemoveLast();
            }
            return generator;
        }
    }
}
