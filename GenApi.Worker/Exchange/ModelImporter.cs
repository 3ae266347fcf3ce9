using System.Security.Cryptography;
using System.Text.Json;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Families;
using GenApi.Worker.Models;
using static TorchSharp.torch;

namespace GenApi.Worker.Exchange;

/// <summary>A safetensors file refused on import; the message names the problem, and nothing was stored.</summary>
public sealed class ImportRejectedException(string field, string message) : Exception(message)
{
    /// <summary>What the problem is about: <c>file</c>, <c>config</c> or <c>dataset</c>.</summary>
    public string Field { get; } = field;
}

/// <summary>
/// Makes a model of the caller's team out of a safetensors file of a GenApi family (<see cref="ExchangeFormat"/>): the config from
/// the request or the file's metadata, checked like a job's; every tensor the family's networks hold, none missing, none extra,
/// each of its network's shape, finite; fp16, bf16 and int8 (with scales) weights become the fp32 networks sampling loads.
/// Checks run before anything is written, so a refused file stores nothing.
/// </summary>
public sealed class ModelImporter(ModelPublisher publisher, DatasetCatalog datasets)
{
    /// <summary>Most classes a conditional config may declare.</summary>
    public const int MaxClasses = 1000;

    /// <param name="file">The uploaded file, seekable.</param>
    /// <param name="configJson">A <see cref="ModelConfig"/> as JSON; null: the file's <see cref="ExchangeFormat.ConfigKey"/>.</param>
    /// <param name="dataset">The data it was trained on; null: the file's <see cref="ExchangeFormat.DatasetKey"/>.</param>
    /// <exception cref="ImportRejectedException">The file or config is refused.</exception>
    /// <exception cref="ModelQuotaExceededException">The team holds its share of models.</exception>
    public async Task<ModelRecord> ImportAsync(Stream file, string? fileName, string? configJson, string? dataset, string team, CancellationToken cancellation)
    {
        SafetensorsHeader header;
        try
        {
            header = SafetensorsFile.ReadHeader(file, file.Length);
        }
        catch (InvalidDataException error)
        {
            throw new ImportRejectedException("file", error.Message);
        }
        var config = ReadConfig(configJson, header);
        dataset ??= header.Metadata.GetValueOrDefault(ExchangeFormat.DatasetKey) ?? "";
        CheckDataset(dataset, config, team);
        var family = ModelFamilies.Get(config.Family);
        var files = ExchangeFormat.NetworkFiles(family.ModelFiles, config);

        using var scope = NewDisposeScope();
        // Networks of the config, built before any tensor is read: their state dicts say what the file must hold.
        var networks = files.ToDictionary(f => f, f => family.CreateNetwork(config, f));
        var expected = networks.SelectMany(n => n.Value.state_dict().Select(p => (Key: ExchangeFormat.Prefix(n.Key) + "." + p.Key, p.Value))).ToDictionary(p => p.Key, p => p.Value);
        CheckTensors(header, expected);
        var tensors = SafetensorsFile.ReadTensors(file);
        using (no_grad())
        {
            foreach (var (key, target) in expected)
            {
                var value = Dequantize(tensors[key], tensors.GetValueOrDefault(key + ExchangeFormat.ScaleSuffix), target.dtype);
                if (value.is_floating_point() && !isfinite(value).all().item<bool>())
                    throw new ImportRejectedException("file", $"Tensor '{key}' holds non-finite values (NaN or ±∞).");
                target.copy_(value);
            }
        }
        var trained = TrainedSteps(header);
        file.Position = 0;
        var model = new ModelRecord
        {
            Id = ModelRecord.NewId(), Team = team, JobId = "", Family = config.Family, Dataset = dataset, Config = config, Steps = trained,
            CreatedAt = default, Origin = new ModelOrigin(ModelOrigin.Imported, Sha256: Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellation)),
                FileName: fileName is { Length: > 0 and <= 255 } ? Path.GetFileName(fileName) : null),
        };
        return await publisher.PublishAsync(model, folder =>
        {
            foreach (var (name, network) in networks) WeightCodec.Save(network, Path.Combine(folder, name), null);
        }, cancellation);
    }

    private static int TrainedSteps(SafetensorsHeader header) =>
        int.TryParse(header.Metadata.GetValueOrDefault(ExchangeFormat.StepsKey), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static ModelConfig ReadConfig(string? configJson, SafetensorsHeader header)
    {
        var (json, field) = configJson is not null ? (configJson, "config") : (header.Metadata.GetValueOrDefault(ExchangeFormat.ConfigKey), "file");
        if (json is null)
            throw new ImportRejectedException("config", $"The file's metadata has no {ExchangeFormat.ConfigKey}: send the model's config as the config part.");
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(json, ExchangeFormat.Json);
        }
        catch (JsonException error)
        {
            throw new ImportRejectedException(field, $"The config is not a model config: {error.Message}");
        }
        if (config is null) throw new ImportRejectedException(field, "The config is empty.");
        var errors = new List<string>();
        var family = ModelFamilies.Find(config.Family);
        if (family is null) errors.Add($"family '{config.Family}' is not one of {string.Join(", ", ModelFamilies.Names)}");
        if (!ModelConfig.SupportedSizes.Contains(config.ImageSize)) errors.Add($"imageSize must be one of {string.Join(", ", ModelConfig.SupportedSizes)}");
        if (config.Channels is not (1 or 3)) errors.Add("channels must be 1 or 3");
        // The same bounds as a job's: a config is how a file would ask for a network too big to build.
        if (config.LatentDim is < 0 or > 1024 || (config.LatentDim == 0 && family?.DefaultLatentDim > 0)) errors.Add("latentDim must be between 1 and 1024");
        if (config.BaseChannels is < 4 or > 512) errors.Add("baseChannels must be between 4 and 512");
        if (config.EncoderBaseChannels is < 4 or > 512) errors.Add("encoderBaseChannels must be between 4 and 512");
        if (config.Classes is < 0 or > MaxClasses) errors.Add($"classes must be between 0 and {MaxClasses}");
        if (family is not null && family.Conditional != config.Conditional)
            errors.Add(family.Conditional ? $"{family.Name} is class-conditional: classes must be at least 2" : $"{family.Name} is unconditional: classes must be 0");
        if (family is not null && family.Sequences != (config.Recurrent is not null))
            errors.Add(family.Sequences ? $"{family.Name} models sequences: recurrent is required" : $"{family.Name} has no recurrent networks: recurrent must be absent");
        if (family?.Operations.HasFlag(FamilyOperations.Translate) == true && config.Domains is null) errors.Add("domains is required for a translation model");
        if (config.Recurrent is { } r && (r.HiddenSize is < 1 or > 1024 || r.Layers is < 1 or > 4 || r.Features is < 1 or > 4096 || !RecurrentShape.Cells.Contains(r.Cell)))
            errors.Add("recurrent is out of range (hiddenSize 1…1024, layers 1…4, features 1…4096, cell gru or lstm)");
        if (errors.Count > 0) throw new ImportRejectedException(field, $"The config is invalid: {string.Join("; ", errors)}.");
        return config;
    }

    private void CheckDataset(string dataset, ModelConfig config, string team)
    {
        // A dataset this server does not have is kept as a name (the model samples, and says so when asked to evaluate).
        if (dataset.Length > 200) throw new ImportRejectedException("dataset", "dataset must be at most 200 characters.");
        if (datasets.Problem(dataset, team) is not null || datasets.Describe(dataset) is not { } shape) return;
        if (shape.Sequences != (config.Recurrent is not null) || shape.Channels != config.Channels || (config.Conditional && shape.Classes != config.Classes))
            throw new ImportRejectedException("dataset",
                $"Dataset '{dataset}' ({shape.Channels} channel(s), {shape.Classes} classes) does not fit the model ({config.Channels} channel(s), {config.Classes} classes).");
    }

    private static void CheckTensors(SafetensorsHeader header, Dictionary<string, Tensor> expected)
    {
        var given = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !given.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new ImportRejectedException("file", $"The file lacks {missing.Count} tensor(s) the config's networks hold: {List(missing)}.");
        var extra = given.Keys.Where(k => !expected.ContainsKey(k) && !(k.EndsWith(ExchangeFormat.ScaleSuffix, StringComparison.Ordinal)
            && expected.ContainsKey(k[..^ExchangeFormat.ScaleSuffix.Length]) && given[k[..^ExchangeFormat.ScaleSuffix.Length]].DType == "I8")).ToList();
        if (extra.Count > 0) throw new ImportRejectedException("file", $"The file holds {extra.Count} tensor(s) the config's networks do not: {List(extra)}.");
        foreach (var (key, target) in expected)
        {
            var entry = given[key];
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new ImportRejectedException("file", $"Tensor '{key}' has shape [{string.Join(", ", entry.Shape)}]; the config's network needs [{string.Join(", ", target.shape)}].");
            var floating = target.is_floating_point();
            var allowed = floating ? ["F32", "F16", "BF16", "I8"] : new[] { "I64" };
            if (!allowed.Contains(entry.DType))
                throw new ImportRejectedException("file", $"Tensor '{key}' is {entry.DType}; it must be one of {string.Join(", ", allowed)}.");
            if (entry.DType != "I8") continue;
            var rows = target.dim() == 0 ? 1 : target.shape[0];
            if (!given.TryGetValue(key + ExchangeFormat.ScaleSuffix, out var scale) || scale.DType != "F32" || !scale.Shape.SequenceEqual([rows]))
                throw new ImportRejectedException("file", $"Int8 tensor '{key}' needs '{key}{ExchangeFormat.ScaleSuffix}': F32 of shape [{rows}].");
        }
    }

    // Int8 codes times their row's scale, in fp32: the same values the compressed-weights loader gives.
    private static Tensor Dequantize(Tensor value, Tensor? scale, ScalarType target)
    {
        if (value.dtype != ScalarType.Int8 || scale is null) return value.to(target);
        var shape = new long[value.dim()];
        Array.Fill(shape, 1L);
        if (shape.Length > 0) shape[0] = -1;
        return value.to(ScalarType.Float32).mul(scale.view(shape)).to(target);
    }

    private static string List(List<string> keys) => string.Join(", ", keys.Take(5)) + (keys.Count > 5 ? $" and {keys.Count - 5} more" : "");
}
