using System.Reflection;

namespace GenApi.Tests;

/// <summary>Build-time facts and a scratch folder per test.</summary>
public static class TestPaths
{
    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>The built entry assembly of a project of this solution, e.g. GenApi.Worker.</summary>
    public static string BuiltAssembly(string project) =>
        Path.Combine(RepositoryRoot, project, "bin", Metadata("Configuration"), "net10.0", $"{project}.dll");

    // One root per test process, removed when the process ends: a run writes about half a gigabyte of
    // datasets, checkpoints and databases; left behind, that piles up with every run.
    // The test host is not always let run its exit handlers, so each run also removes what finished runs left.
    private static readonly Lazy<string> RunRoot = new(() =>
    {
        var parent = Path.Combine(Path.GetTempPath(), "genapi-tests");
        if (Directory.Exists(parent))
            foreach (var stale in Directory.GetDirectories(parent).Where(d => !IsLive(Path.GetFileName(d)))) DeleteQuietly(stale);
        var root = Path.Combine(parent, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(root);
        return root;
    });

    /// <summary>A fresh folder under the temp directory, unique to the caller.</summary>
    public static string NewScratch()
    {
        var path = Path.Combine(RunRoot.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    // run-{pid}-{guid}: live while that process runs.
    private static bool IsLive(string name)
    {
        var parts = name.Split('-');
        if (parts.Length != 3 || parts[0] != "run" || !int.TryParse(parts[1], out var pid)) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    private static void DeleteQuietly(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { } // a child process may still hold a file; the OS temp cleaner gets the rest
        catch (UnauthorizedAccessException) { }
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
