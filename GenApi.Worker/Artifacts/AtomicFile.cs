namespace GenApi.Worker.Artifacts;

/// <summary>Writes that a concurrent reader never sees half-done: write beside the target, then rename.</summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Fills a fresh folder through <paramref name="write"/> and renames it to <paramref name="path"/>.</summary>
    public static void WriteDirectory(string path, Action<string> write)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            Directory.Move(temp, path);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }
}
