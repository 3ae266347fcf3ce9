using System.Reflection;
using NetArchTest.Rules;

namespace GenApi.Tests.Architecture;

/// <summary>
/// Keeps the engine's floors (GenApi.Worker/FLOORS.md): a folder may use the folders on its own floor's list and below,
/// never above; no two folders point at each other; the API reaches engine internals only through their ports. Read from
/// the compiled assemblies (IL), so a fully qualified name or a <c>global using</c> cannot hide an import.
/// </summary>
public sealed class FloorsTests
{
    private const string Engine = "GenApi.Worker";
    private static readonly Assembly Worker = typeof(GenApi.Worker.Contracts.JobSpec).Assembly;

    /// <summary>Each folder of the engine, from the ground up, with the folders below it that it may use.</summary>
    public static readonly IReadOnlyList<(string Folder, string[] MayUse)> Floors =
    [
        ("Contracts", []),
        ("Telemetry", ["Contracts"]),
        ("Native", []),
        ("Artifacts", ["Contracts"]),
        ("Compute", ["Contracts", "Telemetry", "Native"]),
        ("Datasets", ["Contracts", "Telemetry", "Artifacts"]),
        ("Models", ["Contracts", "Datasets"]),
        ("Losses", ["Contracts"]),
        ("Evaluation", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Models", "Losses"]),
        ("Training", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Models", "Losses", "Evaluation"]),
        ("Families", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Models", "Losses", "Evaluation", "Training"]),
        ("Rendering", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Models", "Losses", "Evaluation", "Training", "Families"]),
        ("Compression", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Models", "Evaluation", "Training", "Families", "Rendering"]),
        ("Sweeps", ["Contracts", "Evaluation", "Families"]),
        ("Exchange", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Models", "Evaluation", "Training", "Families"]),
        ("Jobs", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Models", "Evaluation", "Training", "Families", "Rendering",
            "Compression", "Sweeps"]),
        ("Storage", ["Contracts", "Artifacts", "Sweeps"]),
        ("Hosting", ["Contracts", "Telemetry", "Artifacts", "Compute", "Datasets", "Evaluation", "Rendering", "Compression", "Sweeps", "Exchange", "Jobs",
            "Storage"]),
    ];

    private static IEnumerable<string> Folders() =>
        Types.InAssembly(Worker).GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith(Engine + ".", StringComparison.Ordinal))
            .Select(n => n[(Engine.Length + 1)..].Split('.')[0])
            .Distinct();

    [Fact]
    public void EveryEngineFolder_HasAFloor()
    {
        var unplaced = Folders().Except(Floors.Select(f => f.Folder)).ToList();
        Assert.True(unplaced.Count == 0, $"Folders without a floor (add them to FLOORS.md and this test): {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void EngineFolders_UseOnlyTheFloorsBelowThem()
    {
        var broken = new List<string>();
        foreach (var (folder, mayUse) in Floors)
        {
            var forbidden = Floors.Select(f => f.Folder).Where(f => f != folder && !mayUse.Contains(f)).Select(f => $"{Engine}.{f}").ToArray();
            var result = Types.InAssembly(Worker).That().ResideInNamespace($"{Engine}.{folder}")
                .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
            if (!result.IsSuccessful) broken.Add($"{folder}: {string.Join(", ", result.FailingTypeNames ?? [])}");
        }
        Assert.True(broken.Count == 0, "Imports against the floors:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Contracts_HoldNoLibTorchDatabaseOrQueueTypes()
    {
        var result = Types.InAssembly(Worker).That().ResideInNamespace($"{Engine}.Contracts")
            .ShouldNot().HaveDependencyOnAny("TorchSharp", "Dapper", "Npgsql", "Microsoft.Data.Sqlite", "Hangfire", "SkiaSharp").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void EngineFolders_FormNoCycle()
    {
        var folders = Folders().ToList();
        var edges = folders.ToDictionary(f => f, f => folders.Where(g => g != f && Types.InAssembly(Worker)
            .That().ResideInNamespace($"{Engine}.{f}").And().HaveDependencyOn($"{Engine}.{g}").GetTypes().Any()).ToList());
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, $"Folders in an import circle: {string.Join(" → ", cycle ?? [])}");
    }

    [Fact]
    public void Api_ReachesEngineInternalsOnlyThroughTheirPorts()
    {
        // Training loops, checkpoint formats, SQL and the evaluator's networks are the worker's business: the API enqueues
        // work and reads records through the contracts' ports.
        var result = Types.InAssembly(typeof(Program).Assembly)
            .ShouldNot().HaveDependencyOnAny($"{Engine}.Training", $"{Engine}.Compute.Recovery", $"{Engine}.Losses", $"{Engine}.Models",
                $"{Engine}.Families.Adversarial", $"{Engine}.Families.CycleGan", $"{Engine}.Families.Recurrent", $"{Engine}.Families.Variational")
            .GetResult();
        Assert.True(result.IsSuccessful, "API types using engine internals: " + string.Join(", ", result.FailingTypeNames ?? []));

        // Artifact folders are named, read and deleted by the engine's one room for them (Artifacts.ArtifactPaths), for worker and API alike.
        var folders = Types.InAssembly(typeof(Program).Assembly).That().ResideInNamespace("GenApi.Endpoints")
            .ShouldNot().HaveDependencyOnAny("System.IO.Directory", "System.IO.DirectoryInfo", "System.IO.File").GetResult();
        Assert.True(folders.IsSuccessful, "API endpoints touching artifact folders themselves: " + string.Join(", ", folders.FailingTypeNames ?? []));
    }

    // The store is split by caller: every member belongs to one role port (IJobCatalog, IJobLeases…), none to the whole.
    [Fact]
    public void TheJobStore_IsOnlyItsRoles()
    {
        Assert.Empty(typeof(GenApi.Worker.Contracts.IJobStore).GetMembers(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.Instance));
        Assert.True(typeof(GenApi.Worker.Contracts.IJobStore).GetInterfaces().Length >= 6);
    }

    private static List<string>? FindCycle(Dictionary<string, List<string>> edges)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges[node])
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.SkipWhile(p => p != next), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in edges.Keys)
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }
}
