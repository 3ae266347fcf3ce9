using System.Globalization;
using System.Text;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using static TorchSharp.torch;

namespace GenApi.Worker.Rendering;

// Sequence models: samples and reconstructions as numbers in the data's own units, for teams that consume them programmatically.
public sealed partial class ModelSampler
{
    /// <summary>Samples 0…count-1 of <paramref name="seed"/> (the same as in <c>samples.png</c>) as values.</summary>
    public SequenceSamples SampleSequences(ModelRecord model, SampleOptions sample, int count, long seed, double? truncation)
    {
        using var scope = NewDisposeScope();
        var planes = Generate(model, sample, Latents(model, count, seed, truncation));
        var labels = Enumerable.Range(0, count).Select(i => model.Config.Conditional ? sample.Label ?? i % model.Config.Classes : (int?)null);
        return Values(model, planes, labels.ToList());
    }

    /// <summary>Encodes <paramref name="values"/> (<c>[T][F]</c>, in the data's units) to its posterior mean and decodes it, free running.</summary>
    public SequenceSamples ReconstructSequence(ModelRecord model, float[][] values, int? label)
    {
        using var scope = NewDisposeScope();
        var units = UnitsOf(model.Config);
        var scaled = values.SelectMany(step => step.Select((v, f) => (float)units.Scale(v, f))).ToArray();
        var steps = tensor(scaled, new long[] { 1, values.Length, units.Features });
        var planes = SequencePlanes.ToPlanes(steps, model.Config.Channels).to(device.Device);
        var labels = model.Config.Conditional ? tensor(new long[] { label ?? 0 }, device: device.Device) : null;
        var encoder = AcquireEncoder(model);
        using var noGrad = no_grad();
        Tensor mean;
        lock (encoder) (mean, _) = encoder.call(planes, labels);
        var generator = Acquire(model, ema: false);
        Tensor reconstructed;
        lock (generator) reconstructed = generator.call(mean, labels).cpu();
        return Values(model, reconstructed, [model.Config.Conditional ? label ?? 0 : null]);
    }

    /// <summary>What a sequence model's steps hold: the dataset's features, or an image's row of pixels.</summary>
    public static SequenceValues UnitsOf(ModelConfig config)
    {
        var recurrent = config.Recurrent ?? throw new ArgumentException($"A {config.Family} model does not generate sequences.");
        return recurrent.Values ?? SequenceValues.ImageRows(config.Channels, recurrent.Features / config.Channels);
    }

    private SequenceSamples Values(ModelRecord model, Tensor planes, IReadOnlyList<int?> labels)
    {
        var units = UnitsOf(model.Config);
        var steps = SequencePlanes.ToSteps(planes).cpu();
        var (count, length) = ((int)steps.shape[0], (int)steps.shape[1]);
        var flat = steps.contiguous().data<float>().ToArray();
        var values = new float[count][][];
        for (var n = 0; n < count; n++)
        {
            values[n] = new float[length][];
            for (var t = 0; t < length; t++)
            {
                values[n][t] = new float[units.Features];
                for (var f = 0; f < units.Features; f++)
                    values[n][t][f] = (float)units.Unscale(flat[(n * length + t) * units.Features + f], f);
            }
        }
        var names = datasets.Describe(model.Dataset)?.ClassNames;
        string? Name(int? label) => label is not { } l ? null : names is not null && l < names.Count ? names[l] : l.ToString(CultureInfo.InvariantCulture);
        return new SequenceSamples(units.Names, labels.Select(Name).ToList(), values);
    }
}

/// <summary>Sequences as numbers: <c>Values[n][t][f]</c> in the data's units, with each one's class name (conditional models).</summary>
public sealed record SequenceSamples(IReadOnlyList<string> Features, IReadOnlyList<string?> Labels, float[][][] Values)
{
    /// <summary>Long-format CSV, <c>sequence_id,t,&lt;features&gt;[,label]</c>: the layout <c>POST /v1/datasets</c> reads back.</summary>
    public string ToCsv()
    {
        var labelled = Labels.Any(l => l is not null);
        var csv = new StringBuilder();
        csv.Append("sequence_id,t,").AppendJoin(',', Features).Append(labelled ? ",label\n" : "\n");
        for (var n = 0; n < Values.Length; n++)
        for (var t = 0; t < Values[n].Length; t++)
        {
            csv.Append(n).Append(',').Append(t);
            foreach (var value in Values[n][t]) csv.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
            if (labelled) csv.Append(',').Append(Labels[n]);
            csv.Append('\n');
        }
        return csv.ToString();
    }
}
