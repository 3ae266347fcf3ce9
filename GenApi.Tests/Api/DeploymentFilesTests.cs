using System.Text.RegularExpressions;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using GenApi.Worker.Rendering;

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
        foreach (var service in new[] { "postgres:", "api:", "worker:" }) Assert.Contains($"\n  {service}", compose);
        Assert.Contains("Storage__Provider: postgres", compose);
        Assert.Contains("Worker__Embedded: \"false\"", compose);
        Assert.Contains("driver: nvidia", compose);
        Assert.Equal(2, Regex.Matches(compose, "- artifacts:/data").Count);
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

    [GeneratedRegex(@"\b(?<section>[A-Z][A-Za-z]+)__(?<key>[A-Z][A-Za-z]+)\b")]
    private static partial Regex EnvironmentKey();
}
