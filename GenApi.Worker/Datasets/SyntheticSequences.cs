using static TorchSharp.torch;

namespace GenApi.Worker.Datasets;

/// <summary>
/// A small deterministic dataset of noisy univariate waves (sines, sawtooths and square steps of random frequency,
/// phase and amplitude), 64 steps each, labelled by shape: fast to build in every test, and a recurrent model's
/// output is visibly right or wrong.
/// </summary>
public static class SyntheticSequences
{
    public const string Name = "synthetic-sequences";
    public const int Steps = 64;
    public const int Count = 1024;
    /// <summary>The shape of each label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["sine", "sawtooth", "step"];
    public const int TrainSeed = 20261129;
    public const int TestSeed = 20261130;

    public static ImageDataset Create(int seed = TrainSeed)
    {
        var random = new Random(seed);
        var values = new float[Count * Steps];
        var labels = new long[Count];
        for (var n = 0; n < Count; n++)
        {
            var shape = n % ClassNames.Count;
            labels[n] = shape;
            var cycles = 1.5 + 2.5 * random.NextDouble();
            var phase = random.NextDouble();
            var amplitude = 0.4 + 0.5 * random.NextDouble();
            for (var t = 0; t < Steps; t++)
            {
                var position = (t * cycles / Steps + phase) % 1.0;
                var wave = shape switch
                {
                    0 => Math.Sin(2 * Math.PI * position),
                    1 => 2 * position - 1,
                    _ => position < 0.5 ? 1.0 : -1.0,
                };
                var noise = 0.05 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                values[n * Steps + t] = (float)Math.Clamp(amplitude * wave + noise, -1, 1);
            }
        }
        // Datasets outlive whatever dispose scope loads them (the catalog caches them).
        return new ImageDataset(Name, tensor(values, new long[] { Count, 1, Steps, 1 }).DetachFromDisposeScope(), tensor(labels).DetachFromDisposeScope(),
            ClassNames.Count, sequences: true);
    }
}
