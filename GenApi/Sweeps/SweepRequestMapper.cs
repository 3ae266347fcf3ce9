using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenApi.Contracts;
using GenApi.Endpoints;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Sweeps;

namespace GenApi.Sweeps;

/// <summary>
/// Checks a <see cref="CreateSweepRequest"/>: the base as a job, every path against the job request, every listed value
/// and both ends of every range as a trial would use them, and the sweep's own settings; one 400 lists every problem.
/// </summary>
public static class SweepRequestMapper
{
    public const int MaxTrials = 500;
    public const int MaxParameters = 20;
    public const int MaxValues = 100;

    /// <summary>The engine's sweep, or null with every problem in <paramref name="errors"/>.</summary>
    public static SweepSpec? Map(CreateSweepRequest request, JsonSerializerOptions json, DatasetCatalog datasets, string team, bool webhooksEnabled,
        out Dictionary<string, string[]> errors)
    {
        var e = new FieldErrors();
        JsonObject? baseRequest = null;
        JobSpec? baseSpec = null;
        var seed = request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        if (request.Base is null) e.Check(false, "base", "base is required: the job request every trial starts from.");
        else
        {
            e.Check(request.Base.ResumeFrom is null, "base.resumeFrom", "resumeFrom does not apply to a sweep: trials start from scratch.");
            e.Check(request.Base.InitFrom is null, "base.initFrom", "initFrom does not apply to a sweep: trials start from scratch (fine-tune the sweep's best model instead).");
            baseRequest = JsonSerializer.SerializeToNode(request.Base with { ResumeFrom = null, InitFrom = null }, json)!.AsObject();
            foreach (var (key, value) in baseRequest.ToList()) if (value is null) baseRequest.Remove(key);
            // Trials share one training seed unless it is swept: differences between them are the parameters'.
            baseRequest["seed"] ??= seed;
            baseSpec = TrialRequests.Map(TrialRequests.Apply(baseRequest, new Dictionary<string, JsonElement>()), json, datasets, team, webhooksEnabled, out var baseErrors);
            foreach (var (field, messages) in baseErrors)
                foreach (var message in messages) e.Check(false, $"base.{field}", message);
        }

        var method = request.Method ?? "random";
        e.Check(SweepMethods.Names.Contains(method), "method", $"method must be one of: {string.Join(", ", SweepMethods.Names)}.");
        var metricName = request.Metric?.Name ?? SweepMetric.FrechetDistance;
        e.Check(SweepMetric.Names.Contains(metricName), "metric.name", $"metric.name must be one of: {string.Join(", ", SweepMetric.Names)}.");
        var goal = request.Metric?.Goal is { } g ? SweepGoals.Names.ToList().IndexOf(g) : (int)SweepMetric.NaturalGoal(metricName);
        e.Check(goal >= 0, "metric.goal", "metric.goal must be minimize or maximize.");
        var stopping = MapEarlyStopping(request.EarlyStopping, e);

        // Values are tried against a valid base only: against an invalid one each would repeat the base's errors.
        var parameters = MapParameters(request.Parameters, baseSpec is null ? null : baseRequest, json, datasets, team, webhooksEnabled, e);
        var sweepMethod = (SweepMethod)Math.Max(0, SweepMethods.Names.ToList().IndexOf(method));
        // In double: 20 lists of 100 values overflow any integer.
        var gridSize = parameters.Aggregate(1.0, (n, p) => n * (p.Values?.Count ?? 1));
        var maxTrials = request.MaxTrials ?? (sweepMethod == SweepMethod.Grid ? (int)Math.Min(gridSize, MaxTrials) : 10);
        e.Check(request.MaxTrials is null or (>= 1 and <= MaxTrials), "maxTrials", $"maxTrials must be between 1 and {MaxTrials}.");
        e.Check(sweepMethod != SweepMethod.Grid || request.MaxTrials is not null || gridSize <= MaxTrials, "parameters",
            $"The grid has {gridSize:G3} combinations; at most {MaxTrials} run: set maxTrials to run the first ones, or use random or tpe.");
        e.Check(request.MaxParallel is null or (>= 1 and <= 64), "maxParallel", "maxParallel must be between 1 and 64.");
        e.Check(request.Seed is null or >= 0, "seed", "seed must be zero or positive.");

        var spec = new SweepSpec
        {
            BaseRequest = baseRequest?.ToJsonString() ?? "{}", Parameters = parameters, Method = sweepMethod,
            Metric = new SweepMetric(metricName, (SweepGoal)Math.Max(0, goal)), EarlyStopping = stopping,
            MaxTrials = Math.Min(maxTrials, sweepMethod == SweepMethod.Grid ? (int)Math.Min(gridSize, MaxTrials) : maxTrials),
            MaxParallel = request.MaxParallel, Seed = seed,
            Steps = baseSpec?.Training.Steps ?? 0, CheckpointEvery = baseSpec?.Training.CheckpointEvery ?? 0,
        };
        if (baseSpec is not null && e.Count == 0)
            foreach (var (field, message) in spec.Problems(baseSpec)) e.Check(false, field, message);
        errors = e.ToDictionary();
        return e.Count > 0 ? null : spec;
    }

    private static EarlyStopping MapEarlyStopping(EarlyStoppingRequest? request, FieldErrors e)
    {
        var type = EarlyStoppingTypes.Names.ToList().IndexOf(request?.Type ?? "none");
        e.Check(type >= 0, "earlyStopping.type", $"earlyStopping.type must be one of: {string.Join(", ", EarlyStoppingTypes.Names)}.");
        e.Check(request?.Eta is null or (>= 2 and <= 10), "earlyStopping.eta", "earlyStopping.eta must be between 2 and 10.");
        e.Check(request?.MinSteps is null or >= 1, "earlyStopping.minSteps", "earlyStopping.minSteps must be at least 1.");
        e.Check(request?.StartupTrials is null or (>= 1 and <= 100), "earlyStopping.startupTrials", "earlyStopping.startupTrials must be between 1 and 100.");
        e.Check(request?.RungSamples is null or (>= 100 and <= 100_000), "earlyStopping.rungSamples", "earlyStopping.rungSamples must be between 100 and 100,000.");
        return new EarlyStopping((EarlyStoppingType)Math.Max(0, type), request?.Eta ?? 3, request?.MinSteps, request?.StartupTrials ?? 2, request?.RungSamples);
    }

    private static List<SweepParameter> MapParameters(Dictionary<string, SweepParameterRequest>? requested, JsonObject? trialBase,
        JsonSerializerOptions json, DatasetCatalog datasets, string team, bool webhooksEnabled, FieldErrors e)
    {
        var result = new List<SweepParameter>();
        if (requested is not { Count: > 0 })
        {
            e.Check(false, "parameters", "parameters must name at least one field to search over.");
            return result;
        }
        e.Check(requested.Count <= MaxParameters, "parameters", $"At most {MaxParameters} parameters.");
        foreach (var (path, p) in requested)
        {
            var field = $"parameters.{path}";
            if (TrialRequests.PathProblem(path) is { } problem)
            {
                e.Check(false, field, problem);
                continue;
            }
            if (p.Values is not null)
            {
                e.Check(p.Min is null && p.Max is null && p.Distribution is null, field, "Give either values or min/max, not both.");
                e.Check(p.Values.Count is >= 1 and <= MaxValues, field, $"values must hold 1…{MaxValues} entries.");
                e.Check(p.Values.All(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False),
                    field, "values must be strings, numbers or booleans.");
                e.Check(p.Values.Distinct(JsonElementComparer.Instance).Count() == p.Values.Count, field, "values must not repeat.");
                var parameter = new SweepParameter(path, p.Values);
                CheckAsTrial(parameter, p.Values, trialBase, json, datasets, team, webhooksEnabled, field, e);
                result.Add(parameter);
                continue;
            }
            var distribution = ParameterDistributions.Names.ToList().IndexOf(p.Distribution ?? "uniform");
            e.Check(distribution >= 0, $"{field}.distribution", $"distribution must be one of: {string.Join(", ", ParameterDistributions.Names)}.");
            if (p.Min is not { } min || p.Max is not { } max)
            {
                e.Check(false, field, "Give values, or both min and max.");
                continue;
            }
            e.Check(double.IsFinite(min) && double.IsFinite(max) && min < max, field, "min must be below max.");
            var kind = (ParameterDistribution)Math.Max(0, distribution);
            e.Check(kind != ParameterDistribution.LogUniform || min > 0, $"{field}.min", "log-uniform needs min > 0.");
            e.Check(kind != ParameterDistribution.IntUniform || (min == Math.Floor(min) && max == Math.Floor(max)), field, "int-uniform needs whole-number min and max.");
            var range = new SweepParameter(path, null, min, max, kind);
            if (min < max && (kind != ParameterDistribution.LogUniform || min > 0))
                CheckAsTrial(range, [range.FromInternal(range.Bounds.Low), range.FromInternal(range.Bounds.High)], trialBase, json, datasets, team, webhooksEnabled, field, e);
            result.Add(range);
        }
        return result;
    }

    // Each value (or each end of a range) must make a job the API accepts; the job's own messages say why not.
    private static void CheckAsTrial(SweepParameter parameter, IEnumerable<JsonElement> values, JsonObject? baseRequest,
        JsonSerializerOptions json, DatasetCatalog datasets, string team, bool webhooksEnabled, string field, FieldErrors e)
    {
        if (baseRequest is null) return;
        foreach (var value in values)
        {
            var trial = TrialRequests.Apply(baseRequest, new Dictionary<string, JsonElement> { [parameter.Path] = value });
            if (TrialRequests.Map(trial, json, datasets, team, webhooksEnabled, out var errors) is not null) continue;
            foreach (var message in errors.SelectMany(x => x.Value).Distinct())
                e.Check(false, field, string.Create(CultureInfo.InvariantCulture, $"with {value.GetRawText()}: {message}"));
        }
    }

    private sealed class JsonElementComparer : IEqualityComparer<JsonElement>
    {
        public static JsonElementComparer Instance { get; } = new();
        public bool Equals(JsonElement x, JsonElement y) => JsonElement.DeepEquals(x, y);
        public int GetHashCode(JsonElement obj) => obj.GetRawText().GetHashCode(StringComparison.Ordinal);
    }
}
