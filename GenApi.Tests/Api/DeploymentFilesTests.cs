using System.Text.RegularExpressions;
using GenApi.Worker.Compute;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Rendering;
using GenApi.Worker.Storage;

namespace GenApi.Tests.Api;

/// <summary>No Docker engine runs here, so the deployment files are checked against the code they configure.</summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly Dictionary<string, Type> Sections = new()
    {
        [StorageOptions.Section] = typeof(StorageOptions),
        [QueueOptions.Section] = typeof(QueueOptions),
        [WorkerOptions.Section] = typeof(WorkerOptions),
        [DatasetOptions.Section] = typeof(DatasetOptions),
        [Auth.AuthOptions.Section] = typeof(Auth.AuthOptions),
        [Calling.RateLimitOptions.Section] = typeof(Calling.RateLimitOptions),
        [Calling.QuotaOptions.Section] = typeof(Calling.QuotaOptions),
        [Calling.IdempotencyOptions.Section] = typeof(Calling.IdempotencyOptions),
        [Webhooks.WebhookOptions.Section] = typeof(Webhooks.WebhookOptions),
        [SamplingOptions.Section] = typeof(SamplingOptions),
        [Worker.Evaluation.EvaluationOptions.Section] = typeof(Worker.Evaluation.EvaluationOptions),
        [Auth.DashboardSettings.Section] = typeof(Auth.DashboardSettings),
        [Events.EventStreamOptions.Section] = typeof(Events.EventStreamOptions),
    };

    private static string Read(string relative) => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, relative));

    public static TheoryData<string> DeploymentFiles => new() { "docker/compose.yaml", "docker/Dockerfile.api", "docker/Dockerfile.worker", "docker/run-without-docker.sh" };

    [Theory, MemberData(nameof(DeploymentFiles))]
    public void EveryConfigurationKey_InDeploymentFiles_ExistsInTheOptions(string file)
    {
        var keys = EnvironmentKey().Matches(Read(file)).Select(m => (m.Groups["section"].Value, m.Groups["key"].Value)).Distinct().ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            Assert.True(Sections.TryGetValue(k.Item1, out var options), $"{file}: unknown section {k.Item1}");
            Assert.NotNull(options!.GetProperty(k.Item2));
        });
    }

    [Fact]
    public void Compose_RunsPostgresApiAndGpuWorkers_OnOneSharedVolume()
    {
        var compose = Read("docker/compose.yaml");
        foreach (var service in new[] { "postgres:", "api:", "worker-gpu0:" }) Assert.Contains($"\n  {service}", compose);
        Assert.Contains("Storage__Provider: postgres", compose);
        Assert.Contains("Worker__Embedded: \"false\"", compose);
        Assert.Contains("driver: nvidia", compose);
        Assert.All(Services().Values, service =>
        {
            if (service.ContainsKey("build")) Assert.Contains("artifacts:/data", Strings(service["volumes"]));
        });
        Assert.Contains("pg_isready", compose);                                     // postgres health
        Assert.Contains("/health/ready", Read("docker/Dockerfile.api"));           // api health
        Assert.Contains("condition: service_healthy", compose);
        Assert.Contains("-p:TorchBackend=cuda", Read("docker/Dockerfile.worker"));
        Assert.Contains("localhost:8081/health/ready", Read("docker/Dockerfile.worker"));   // worker health
    }

    // Both images end as an unprivileged user, and the data volume belongs to it.
    [Theory]
    [InlineData("docker/Dockerfile.api")]
    [InlineData("docker/Dockerfile.worker")]
    public void Images_RunAsANonRootUser(string file)
    {
        var lines = Read(file).Split('\n');
        var user = lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.NotEqual("USER root", user.Trim());
        Assert.True(Array.IndexOf(lines, user) > Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal)), "USER precedes the final stage");
        Assert.Contains("chown app:app /data", Read(file));
    }

    [Fact]
    public void Readme_DocumentsEveryConfigurationKey()
    {
        var readme = Read("README.md");
        var missing = Sections.SelectMany(s => s.Value.GetProperties().Where(p => p.CanWrite).Select(p => $"`{s.Key}:{p.Name}`"))
            .Where(key => !readme.Contains(key, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"README lacks: {string.Join(", ", missing)}");
    }

    // Compose with its anchors and merge keys resolved, as Docker reads it.
    private static Dictionary<string, Dictionary<object, object>> Services()
    {
        using var reader = new StringReader(Read("docker/compose.yaml"));
        var document = new YamlDotNet.Serialization.DeserializerBuilder().Build()
            .Deserialize<Dictionary<object, object>>(new YamlDotNet.Core.MergingParser(new YamlDotNet.Core.Parser(reader)));
        return ((Dictionary<object, object>)document["services"]).ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);
    }

    private static List<string> Strings(object list) => ((List<object>)list).Select(o => (string)o).ToList();

    private static object? At(Dictionary<object, object> map, params string[] path)
    {
        object? node = map;
        foreach (var key in path) node = node is Dictionary<object, object> m && m.TryGetValue(key, out var next) ? next : null;
        return node;
    }

    // `--scale` with a `count: 1` reservation put every replica on GPU 0, and the image showed every GPU to each.
    [Fact]
    public void Compose_GivesEachWorkerItsOwnGpu()
    {
        var workers = Services().Where(s => At(s.Value, "build", "dockerfile") as string == "docker/Dockerfile.worker").ToList();
        Assert.True(workers.Count >= 2, "compose shows how a second GPU gets its own worker");
        var seen = new HashSet<string>();
        foreach (var (name, worker) in workers)
        {
            var devices = (List<object>)At(worker, "deploy", "resources", "reservations", "devices")!;
            var device = (Dictionary<object, object>)Assert.Single(devices);
            Assert.False(device.ContainsKey("count"), $"{name} reserves a count of GPUs, which does not say which one");
            var id = Assert.Single(Strings(device["device_ids"]));
            Assert.True(seen.Add(id), $"{name} shares GPU {id} with another worker");
            Assert.Equal(id, At(worker, "environment", "NVIDIA_VISIBLE_DEVICES"));
            Assert.Contains(At(worker, "environment", "Worker__Device") as string, new[] { "cuda", "cuda:0" });
            Assert.Null(At(worker, "deploy", "replicas"));
        }
        Assert.DoesNotContain("NVIDIA_VISIBLE_DEVICES=all", Read("docker/Dockerfile.worker"));
        Assert.DoesNotContain("--scale worker", Read("README.md"));
    }

    // The database password once fell back to 'genapi'.
    [Fact]
    public void Compose_GivesNoSecretADefault_AndTheReadmeSaysHowToMintTheFirstKey()
    {
        var compose = Read("docker/compose.yaml");
        var secrets = SecretVariable().Matches(compose).ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, m => Assert.Equal(":?", m.Groups["operator"].Value));
        Assert.Contains("exec api dotnet GenApi.dll keys create --team", Read("README.md"));
        Assert.Matches(@"image: postgres:15\.\d+", compose);   // the major the suite's PostgreSQL runs
    }

    // COPY . . before the restore re-downloaded libtorch on every edit.
    [Theory]
    [InlineData("docker/Dockerfile.api")]
    [InlineData("docker/Dockerfile.worker")]
    public void Dockerfiles_RestoreBeforeTheSources_FromPinnedImages(string file)
    {
        var lines = Read(file).Split('\n');
        var restore = Array.FindIndex(lines, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var sources = Array.FindIndex(lines, l => l.Trim() == "COPY . .");
        Assert.True(restore >= 0 && restore < sources, "the restore runs before the sources are copied");
        Assert.Contains("--no-restore", lines.Single(l => l.Contains("dotnet publish", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)), from => Assert.Matches(@"^FROM \S+:\d+\.\d+\.\d+", from));
        foreach (var copied in lines.Take(restore).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)).SelectMany(l => l.Split(' ')[1..^1]))
            Assert.True(File.Exists(Path.Combine(TestPaths.RepositoryRoot, copied)), $"{file} copies {copied}, which does not exist");
        if (file.EndsWith("worker", StringComparison.Ordinal)) Assert.Contains("libssl3", Read(file));
        var ignore = Read(".dockerignore");
        foreach (var entry in new[] { "**/bin/", "**/obj/", ".git/" }) Assert.Contains(entry, ignore);
    }

    // Restores that could change under us: versions in one file, the graph locked, the SDK band pinned.
    [Fact]
    public void Restores_AreCentral_Locked_AndOnOneSdkBand()
    {
        Assert.Contains("<ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>", Read("Directory.Packages.props"));
        Assert.Contains("<CentralPackageTransitivePinningEnabled>true</CentralPackageTransitivePinningEnabled>", Read("Directory.Packages.props"));
        var projects = Directory.GetFiles(TestPaths.RepositoryRoot, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        Assert.True(projects.Count >= 4);
        foreach (var project in projects)
        {
            Assert.DoesNotMatch(@"<PackageReference[^>]*\bVersion=", File.ReadAllText(project));
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(project)!, "packages.lock.json")), $"{project} has no lock file");
        }
        Assert.Contains("dotnet restore GenApi.sln --locked-mode", Read(".ci/run"));
        Assert.Contains("\"rollForward\": \"latestPatch\"", Read("global.json"));
        Assert.DoesNotContain("NU1603", Regex.Match(Read("Directory.Build.props"), "<NoWarn>.*</NoWarn>").Value);
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]*(PASSWORD|SECRET|TOKEN|KEY)[A-Z_]*)(?<operator>:?[-?]|\})")]
    private static partial Regex SecretVariable();

    [GeneratedRegex(@"\b(?<section>[A-Z][A-Za-z]+)__(?<key>[A-Z][A-Za-z]+)\b")]
    private static partial Regex EnvironmentKey();
}
