using System.Text.Json;

namespace GenApi.Worker.Contracts;

/// <summary>A job's place in a sweep.</summary>
/// <param name="Number">0, 1, …: the order trials were proposed in.</param>
/// <param name="Parameters">The values it was given, by parameter path.</param>
public sealed record TrialInfo(string SweepId, int Number, IReadOnlyDictionary<string, JsonElement> Parameters);
