using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenApi.Contracts;
using GenApi.Endpoints;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;

namespace GenApi.Sweeps;

/// <summary>
/// A trial is a job request: the sweep's base with the trial's parameters written in at their paths. It is validated
/// and mapped exactly like <c>POST /v1/jobs</c>, so a sweep cannot run a job the API would refuse.
/// </summary>
public static class TrialRequests
{
    // Settings the sweep itself fixes: the data and family its metric compares on, the schedule its rungs fall on.
    private static readonly Dictionary<string, string> Fixed = new()
    {
        ["model"] = "is the base's: trials are compared on one family's metric",
        ["dataset"] = "is the base's: trials are compared on one dataset",
        ["steps"] = "is the base's: early stopping and the leaderboard compare trials at equal steps",
        ["checkpointEvery"] = "is the base's: trials are scored (and stopped) at checkpoints",
        ["evaluate"] = "is always true in a sweep: trials are scored",
        ["resumeFrom"] = "does not apply: trials start from scratch",
        ["initFrom"] = "does not apply: trials start from scratch",
    };

    // Shorthands that set both optimizers: the base's per-optimizer value must not override the trial's.
    private static readonly Dictionary<string, string> Shorthands = new() { ["learningRate"] = "lr", ["beta1"] = "beta1", ["beta2"] = "beta2" };

    /// <summary>Every field path a sweep may set, from the job request's own shape.</summary>
    public static IReadOnlyList<string> Paths { get; } = PathsOf(typeof(CreateJobRequest), "").Where(p => !Fixed.ContainsKey(p)).ToList();

    /// <summary>Why <paramref name="path"/> cannot be swept; null when it can.</summary>
    public static string? PathProblem(string path) =>
        Fixed.TryGetValue(path, out var why) ? $"{path} {why}."
        : Paths.Contains(path) ? null
        : $"Unknown parameter '{path}'; a job-request field: {string.Join(", ", Paths)}.";

    /// <summary>The base (as JSON) with <paramref name="values"/> written in, evaluation on.</summary>
    public static JsonObject Apply(JsonObject baseRequest, IReadOnlyDictionary<string, JsonElement> values)
    {
        var request = (JsonObject)baseRequest.DeepClone();
        foreach (var (path, value) in values)
        {
            if (Shorthands.TryGetValue(path, out var field))
                foreach (var optimizer in new[] { "optimizerG", "optimizerD" }) (request[optimizer] as JsonObject)?.Remove(field);
            var parts = path.Split('.');
            var target = request;
            foreach (var part in parts[..^1])
                target = target[part] as JsonObject ?? (JsonObject)(target[part] = new JsonObject());
            target[parts[^1]] = JsonNode.Parse(value.GetRawText());
        }
        request["evaluate"] = true;
        return request;
    }

    /// <summary>Maps a trial's request onto the engine's spec, or returns null with every problem in <paramref name="errors"/>.</summary>
    public static JobSpec? Map(JsonObject request, JsonSerializerOptions json, DatasetCatalog datasets, string team, bool webhooksEnabled,
        out Dictionary<string, string[]> errors) => Map(request, json, datasets, team, webhooksEnabled, out _, out errors);

    /// <summary>As <see cref="Map(JsonObject, JsonSerializerOptions, DatasetCatalog, string, bool, out Dictionary{string, string[]})"/>, with the webhook every trial posts its events to.</summary>
    public static JobSpec? Map(JsonObject request, JsonSerializerOptions json, DatasetCatalog datasets, string team, bool webhooksEnabled,
        out WebhookSubscription? webhook, out Dictionary<string, string[]> errors)
    {
        webhook = null;
        CreateJobRequest parsed;
        try
        {
            parsed = request.Deserialize<CreateJobRequest>(json)!;
        }
        catch (JsonException error)
        {
            errors = new() { [error.Path?.TrimStart('$', '.') ?? ""] = [$"has the wrong type for this field ({error.Message.Split(". ")[0]})."] };
            return null;
        }
        return JobRequestMapper.Map(parsed, datasets, team, JobSources.None, webhooksEnabled, out webhook, out errors);
    }

    private static IEnumerable<string> PathsOf(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = prefix + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (property.PropertyType == typeof(WebhookRequest)) continue;
            if (property.PropertyType.Namespace == typeof(CreateJobRequest).Namespace && property.PropertyType.IsClass)
                foreach (var nested in PathsOf(property.PropertyType, name + ".")) yield return nested;
            else yield return name;
        }
    }
}
