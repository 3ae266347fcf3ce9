using System.Reflection;
using System.Text.Json;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Exchange;

/// <summary>
/// How a GenApi model is laid out in an exchange file: each network file of the model (<c>generator.pt</c>,
/// <c>generator-ema.pt</c>, <c>encoder.pt</c>, a translator's two generators) is one prefix of the state dict
/// (<c>generator.</c>, <c>generator-ema.</c>…), so one file carries the whole model and PyTorch loads a network with
/// <c>{k.removeprefix("generator."): v for k, v in state.items() if k.startswith("generator.")}</c>.
/// </summary>
public static class ExchangeFormat
{
    /// <summary>The metadata key of the model's family.</summary>
    public const string FamilyKey = "genapi.family";
    /// <summary>The metadata key of the model's <see cref="ModelConfig"/>, as JSON (camelCase, the API's spelling).</summary>
    public const string ConfigKey = "genapi.config";
    public const string NetworksKey = "genapi.networks";
    public const string DatasetKey = "genapi.dataset";
    public const string StepsKey = "genapi.steps";
    public const string ModelKey = "genapi.model";
    public const string VersionKey = "genapi.version";
    public const string QuantizationKey = "genapi.quantization";
    /// <summary>Suffix of an int8 weight's per-channel scales: <c>w = q.float() * scale.view(-1, 1, …)</c>.</summary>
    public const string ScaleSuffix = ".scale";

    /// <summary>The JSON spelling of configs in metadata and import requests.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>This server's version, written into exports and model cards.</summary>
    public static string ServerVersion { get; } =
        typeof(ExchangeFormat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ExchangeFormat).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The state-dict prefix of a network file: <c>generator-ema.pt</c> → <c>generator-ema</c>.</summary>
    public static string Prefix(string file) => Path.GetFileNameWithoutExtension(file);

    /// <summary>The network files a model of <paramref name="config"/> holds, of its family's <paramref name="files"/>: EMA copies only when it keeps an EMA.</summary>
    public static IReadOnlyList<string> NetworkFiles(IReadOnlyList<string> files, ModelConfig config) =>
        files.Where(f => config.Ema || !files.Any(other => other != f && ArtifactLayout.Ema(other) == f)).ToList();
}
