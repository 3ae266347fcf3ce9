using System.Globalization;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Artifacts;

/// <summary>A job's checkpoints on disk: one folder per saved step, written atomically, the last few kept.</summary>
public sealed class CheckpointStore(ArtifactPaths paths)
{
    private const string Prefix = "step-";
    private const int Keep = 5;

    /// <summary>Writes the checkpoint of <paramref name="step"/> (<paramref name="write"/> fills the folder) and prunes the oldest.</summary>
    public void Save(string jobId, int step, Action<string> write)
    {
        var root = paths.JobCheckpoints(jobId);
        Directory.CreateDirectory(root);
        AtomicFile.WriteDirectory(Path.Combine(root, $"{Prefix}{step:D8}"), write);
        foreach (var old in Complete(root).SkipLast(Keep)) Directory.Delete(old, recursive: true);
    }

    /// <summary>The folder of the newest complete checkpoint, or null.</summary>
    public string? Latest(string jobId)
    {
        var root = paths.JobCheckpoints(jobId);
        return Directory.Exists(root) ? Complete(root).LastOrDefault() : null;
    }

    /// <summary>The job's checkpoints, oldest first: (step, folder).</summary>
    public IReadOnlyList<(int Step, string Folder)> List(string jobId)
    {
        var root = paths.JobCheckpoints(jobId);
        return Directory.Exists(root)
            ? Complete(root).Select(f => (int.Parse(Path.GetFileName(f).AsSpan(Prefix.Length), CultureInfo.InvariantCulture), f)).ToList()
            : [];
    }

    /// <summary>Each kept checkpoint's step, when its last file was written and how many bytes it holds, oldest first.</summary>
    public IReadOnlyList<(int Step, DateTime SavedAt, long Bytes)> Describe(string jobId) => [.. List(jobId).Select(c =>
    {
        var files = new DirectoryInfo(c.Folder).GetFiles();
        return (c.Step, files.Max(f => f.LastWriteTimeUtc), files.Sum(f => f.Length));
    })];

    /// <summary>The model shape of the checkpoint of <paramref name="jobId"/> at <paramref name="step"/>; null when there is none.</summary>
    public ModelConfig? ConfigAt(string jobId, int step) => Find(jobId, step) is { } folder ? ArtifactLayout.ReadState(folder).Config : null;

    /// <summary>The folder of the checkpoint at <paramref name="step"/>, or null.</summary>
    public string? Find(string jobId, int step) => List(jobId).Where(c => c.Step == step).Select(c => c.Folder).FirstOrDefault();

    // Folders still being written end in ".tmp" and never parse as a step.
    private static IEnumerable<string> Complete(string root) =>
        Directory.GetDirectories(root, Prefix + "*")
            .Where(d => int.TryParse(Path.GetFileName(d).AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Order(StringComparer.Ordinal);
}
