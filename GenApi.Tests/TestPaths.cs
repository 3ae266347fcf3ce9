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

    /// <summary>A fresh folder under the temp directory, unique to the caller.</summary>
    public static string NewScratch()
    {
        var path = Path.Combine(Path.GetTempPath(), "genapi-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
