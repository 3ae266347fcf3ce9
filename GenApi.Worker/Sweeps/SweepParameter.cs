using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenApi.Worker.Sweeps;

/// <summary>One dimension of a search space: a list of values, or a range with a distribution.</summary>
/// <param name="Path">The job-request field it sets, e.g. <c>optimizerG.lr</c> or <c>loss</c>.</param>
public sealed record SweepParameter(string Path, IReadOnlyList<JsonElement>? Values = null, double? Min = null, double? Max = null,
    ParameterDistribution Distribution = ParameterDistribution.Uniform)
{
    /// <summary>A range drawn on a log scale: the sampler works on log(x).</summary>
    [JsonIgnore]
    public bool IsLog => Values is null && Distribution == ParameterDistribution.LogUniform;

    /// <summary>The range as the samplers see it (log-transformed for log-uniform).</summary>
    [JsonIgnore]
    public (double Low, double High) Bounds => IsLog ? (Math.Log(Min!.Value), Math.Log(Max!.Value)) : (Min!.Value, Max!.Value);

    /// <summary>The request value for a point of the sampler's space.</summary>
    public JsonElement FromInternal(double x)
    {
        var value = IsLog ? Math.Exp(x) : x;
        value = Math.Clamp(value, Min!.Value, Max!.Value);
        return Distribution == ParameterDistribution.IntUniform
            ? JsonSerializer.SerializeToElement((long)Math.Round(value))
            // Six significant digits: readable in a leaderboard and exact to reproduce.
            : JsonSerializer.SerializeToElement(double.Parse(value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A request value back in the sampler's space (ranges only).</summary>
    public double ToInternal(JsonElement value)
    {
        var x = value.GetDouble();
        return IsLog ? Math.Log(x) : x;
    }
}

public static class ParameterDistributions
{
    /// <summary>The distributions as they appear on the wire, in <see cref="ParameterDistribution"/>'s order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["uniform", "log-uniform", "int-uniform"];
}

/// <summary>How a range is drawn.</summary>
public enum ParameterDistribution
{
    Uniform,
    /// <summary>Uniform in log(x): for learning rates and other scales.</summary>
    LogUniform,
    /// <summary>Uniform over the integers of [min, max].</summary>
    IntUniform,
}
