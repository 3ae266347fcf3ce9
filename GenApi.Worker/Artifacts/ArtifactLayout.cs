using System.Text.Json;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Artifacts;

/// <summary>
/// What a checkpoint folder and a published model folder contain: the file names both the worker and the API use.
/// A family's networks are saved under its own file names (<c>IModelFamily.ModelFiles</c>); these are the shared ones.
/// </summary>
public static class ArtifactLayout
{
    /// <summary>The generator of a noise-to-image family (a VAE's decoder).</summary>
    public const string GeneratorFile = "generator.pt";
    /// <summary>The EMA copy of <see cref="GeneratorFile"/>.</summary>
    public const string EmaFile = "generator-ema.pt";
    /// <summary>A VAE's encoder.</summary>
    public const string EncoderFile = "encoder.pt";
    private const string StateFile = "state.json";

    /// <summary>The EMA copy of a network file: <c>x.pt</c> → <c>x-ema.pt</c>.</summary>
    public static string Ema(string file) => file == GeneratorFile ? EmaFile : Path.GetFileNameWithoutExtension(file) + "-ema.pt";

    public static void WriteState(string folder, CheckpointState state) =>
        File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(state));

    public static CheckpointState ReadState(string folder) =>
        JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, StateFile)))!;

    /// <summary>Copies the files of a published model (its family's <paramref name="files"/>) out of a checkpoint folder (those it has).</summary>
    public static void CopyModelFiles(string checkpoint, string target, IEnumerable<string> files)
    {
        foreach (var file in files.Where(f => File.Exists(Path.Combine(checkpoint, f))))
            File.Copy(Path.Combine(checkpoint, file), Path.Combine(target, file));
    }
}

/// <summary>What a checkpoint folder's state file holds.</summary>
public sealed record CheckpointState(int Step, ModelConfig Config);
