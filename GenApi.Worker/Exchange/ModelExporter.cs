using System.Text.Json;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;
using GenApi.Worker.Models;
using static TorchSharp.torch;

namespace GenApi.Worker.Exchange;

/// <summary>
/// Writes a stored model's weights as safetensors (config in the header's metadata) or as a PyTorch state dict that
/// <c>torch.load</c> reads, both through TorchSharp.PyBridge. Weights leave as they are stored: fp32, fp16 or bf16 tensors,
/// or int8 tensors with their per-channel scales beside them (<see cref="ExchangeFormat.ScaleSuffix"/>).
/// </summary>
public sealed class ModelExporter(ArtifactPaths paths)
{
    public void WriteSafetensors(ModelRecord model, Stream target)
    {
        using var scope = NewDisposeScope();
        var (tensors, quantized) = Read(model);
        SafetensorsFile.Write(target, tensors, Metadata(model, quantized));
    }

    public void WritePyTorch(ModelRecord model, Stream target)
    {
        using var scope = NewDisposeScope();
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(target, Read(model).Tensors, leaveOpen: true);
    }

    /// <summary>What the safetensors header says about the model, beside its tensors.</summary>
    public static Dictionary<string, string> Metadata(ModelRecord model, string? quantized)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            [ExchangeFormat.FamilyKey] = model.Family,
            [ExchangeFormat.ConfigKey] = JsonSerializer.Serialize(model.Config, ExchangeFormat.Json),
            [ExchangeFormat.NetworksKey] = string.Join(",", ExchangeFormat.NetworkFiles(FamilyRules.ModelFiles(model.Family), model.Config).Select(ExchangeFormat.Prefix)),
            [ExchangeFormat.DatasetKey] = model.Dataset,
            [ExchangeFormat.StepsKey] = model.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ExchangeFormat.ModelKey] = model.Id,
            [ExchangeFormat.VersionKey] = ExchangeFormat.ServerVersion,
        };
        if (quantized is not null) metadata[ExchangeFormat.QuantizationKey] = quantized;
        return metadata;
    }

    /// <summary>Every network of the model under its file's prefix, in its stored type.</summary>
    private (Dictionary<string, Tensor> Tensors, string? Quantization) Read(ModelRecord model)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        string? quantization = null;
        foreach (var file in ExchangeFormat.NetworkFiles(FamilyRules.ModelFiles(model.Family), model.Config))
        {
            var path = paths.ModelFile(model.Id, file);
            if (!File.Exists(path)) continue;
            var prefix = ExchangeFormat.Prefix(file) + ".";
            if (WeightCodec.IsEncoded(path))
            {
                foreach (var stored in WeightCodec.ReadStored(path))
                {
                    tensors[prefix + stored.Name] = stored.Values;
                    if (stored.Scales is null) continue;
                    tensors[prefix + stored.Name + ExchangeFormat.ScaleSuffix] = stored.Scales;
                    quantization = "int8 per output channel: weight = q.float() * scale, one scale per slice of the first axis";
                }
                continue;
            }
            using var network = ModelFamilies.Get(model.Family).CreateNetwork(model.Config, file);
            WeightCodec.Load(network, path);
            foreach (var (name, value) in network.state_dict()) tensors[prefix + name] = value.detach().cpu().contiguous().clone();
        }
        return (tensors, quantization);
    }
}
