using System.Collections.Concurrent;

namespace GenApi.Calling;

/// <summary>
/// Dataset imports take seconds of CPU and their stored size in memory: one at a time per key, and
/// <c>RateLimits:ConcurrentUploads</c> in the whole process. A caller over either limit is told to come back (429), never queued.
/// </summary>
public sealed class UploadGate(int processWide)
{
    private readonly SemaphoreSlim _process = new(processWide, processWide);
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);

    public int ProcessWide => processWide;

    /// <summary>A turn to import for <paramref name="key"/>; null with the reason when there is none now.</summary>
    public (IDisposable? Turn, string? Busy) TryEnter(string key)
    {
        if (!_keys.TryAdd(key, 0)) return (null, "This key is already uploading a dataset; send the next one when it has finished.");
        if (_process.Wait(0)) return (new Turn(this, key), null);
        _keys.TryRemove(key, out _);
        return (null, $"This server imports {processWide} dataset(s) at a time (RateLimits:ConcurrentUploads); try again shortly.");
    }

    private sealed class Turn(UploadGate gate, string key) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            gate._process.Release();
            gate._keys.TryRemove(key, out _);
        }
    }
}
