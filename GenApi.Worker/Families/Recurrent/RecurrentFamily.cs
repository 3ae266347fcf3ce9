using GenApi.Worker.Contracts;
using GenApi.Worker.Families.Variational;
using GenApi.Worker.Models;

namespace GenApi.Worker.Families.Recurrent;

/// <summary>
/// The recurrent VAEs (Fabius &amp; van Amersfoort 2014; Bowman et al. 2016): a GRU/LSTM encoder and decoder over
/// sequences, trained like the other VAEs (shared trainer) with teacher forcing, KL annealing and free bits. They read
/// sequence datasets, and image datasets row by row ("sequential MNIST").
/// </summary>
public abstract class RecurrentFamily : VariationalFamily, IModelFamily
{
    public const int MaxHiddenSize = 1024;
    public const int MaxLayers = 4;

    public override bool Sequences => true;

    public override IReadOnlyCollection<string> Fields { get; } =
        [.. KlFields, JobFields.HiddenSize, JobFields.Layers, JobFields.Cell, JobFields.Bidirectional, JobFields.SequenceLength, JobFields.InputDropout];

    public override string? WhyNot(string field) => field switch
    {
        JobFields.ImageSize or JobFields.Resize => "it reads an image row by row at the image's own size; sequenceLength sets a sequence dataset's window",
        JobFields.BaseChannels => "its width is hiddenSize",
        _ => base.WhyNot(field),
    };

    // Real-valued sequences are a Gaussian's business; KL annealing over the first steps, as Bowman et al.
    public override TrainingSettings Defaults { get; } = new()
    {
        OptimizerG = new OptimizerSettings { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999 },
        OptimizerD = new OptimizerSettings { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999 },
        Reconstruction = "mse",
        KlWarmupSteps = 200,
    };

    public JobSpec Resolve(JobSpec spec, DatasetShape? data)
    {
        var recurrent = spec.Recurrent ?? new RecurrentSpec();
        if (data is null) return spec with { Recurrent = recurrent };
        recurrent = recurrent with { Length = recurrent.Length ?? data.Size };
        // The dataset is loaded at ImageSize: windows of that length for sequences, the image itself for images.
        return spec with { Recurrent = recurrent, ImageSize = recurrent.Length };
    }

    public override void Validate(JobSpec spec, DatasetShape? data, FieldErrors e)
    {
        base.Validate(spec, data, e);
        var r = spec.Recurrent ?? new RecurrentSpec();
        e.Check(r.HiddenSize is >= 4 and <= MaxHiddenSize, JobFields.HiddenSize, $"hiddenSize must be between 4 and {MaxHiddenSize}.");
        e.Check(r.Layers is >= 1 and <= MaxLayers, JobFields.Layers, $"layers must be between 1 and {MaxLayers}.");
        e.Check(RecurrentShape.Cells.Contains(r.Cell), JobFields.Cell, $"cell must be one of: {string.Join(", ", RecurrentShape.Cells)}.");
        e.Check(r.InputDropout is >= 0 and <= 1, JobFields.InputDropout, "inputDropout must be in [0, 1].");
        if (data is null || r.Length is not { } length) return;
        if (data.Sequences)
            e.Check(length >= 2 && length <= data.Size, JobFields.SequenceLength,
                $"sequenceLength must be between 2 and the dataset's {data.Size} steps (sequences are cut into windows of it).");
        else
            e.Check(length == data.Size, JobFields.SequenceLength,
                $"Dataset '{spec.Dataset}' holds images: a sequence is an image's {data.Size} rows, so sequenceLength can only be {data.Size}.");
    }

    public ModelConfig Configure(ModelConfig config, JobSpec spec, DatasetShape data)
    {
        var r = spec.Recurrent ?? new RecurrentSpec();
        var features = data.Sequence?.Features ?? data.Channels * data.Size;
        return config with { Recurrent = new RecurrentShape(features, r.HiddenSize, r.Layers, r.Cell, r.Bidirectional, data.Sequence, r.InputDropout) };
    }

    protected override ImageGenerator CreateDecoder(ModelConfig config) => new SequenceDecoder(config);

    protected override LatentEncoder CreateEncoder(ModelConfig config) => new SequenceEncoder(config);
}

/// <summary>The recurrent VAE.</summary>
public sealed class RvaeFamily : RecurrentFamily
{
    public const string Id = "rvae";
    public override string Name => Id;
    public override string Summary =>
        "Recurrent VAE (GRU/LSTM encoder and decoder): samples and reconstructs sequences; reads image datasets row by row.";
}

/// <summary>The class-conditional recurrent VAE.</summary>
public sealed class CrvaeFamily : RecurrentFamily
{
    public const string Id = "crvae";
    public override string Name => Id;
    public override string Summary => "Class-conditional recurrent VAE: samples sequences per class (needs a labelled dataset).";
    public override bool Conditional => true;
}
