using Microsoft.Extensions.Caching.Memory;

namespace GenApi.Rendering;

/// <summary>
/// Rendered chart PNGs by (chart, what it shows, size): a chart is drawn again only when a new metric or score arrives,
/// however often a dashboard polls it. Bounded by the bytes it holds, so large charts cannot fill the memory either.
/// </summary>
public sealed class ChartCache : IDisposable
{
    private const long MaxBytes = 64L * 1024 * 1024;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxBytes });
    private long _renders;

    /// <summary>Charts drawn since start (a cache hit draws none).</summary>
    public long Renders => Interlocked.Read(ref _renders);

    /// <param name="version">Changes whenever the chart's data does (e.g. the last metric's step and the number of points).</param>
    public byte[] GetOrRender(string chart, string version, int width, int height, Func<byte[]> render)
    {
        var key = $"{chart}\n{version}\n{width}x{height}";
        if (_cache.TryGetValue(key, out byte[]? png)) return png!;
        png = render();
        Interlocked.Increment(ref _renders);
        _cache.Set(key, png, new MemoryCacheEntryOptions { Size = png.Length, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return png;
    }

    public void Dispose() => _cache.Dispose();
}
