namespace GenApi.Contracts;

/// <summary>Generated sequences as numbers, in the units of the data the model was trained on.</summary>
/// <param name="Seed">The noise seed: the same seed gives the same sequences (and the charts of <c>samples.png</c>).</param>
/// <param name="Features">What each step holds: the dataset's feature names (<c>value</c> for univariate data), or an image row's
/// pixels (<c>x0</c>…, intensities in [0, 1]) for a model trained on images.</param>
/// <param name="Sequences">Samples 0…count−1 of the seed.</param>
public sealed record SequenceSamplesResponse(long Seed, IReadOnlyList<string> Features, IReadOnlyList<SequenceResponse> Sequences);

/// <summary>One sequence.</summary>
/// <param name="Index">Its position in the seed's stream.</param>
/// <param name="Label">Its class name (conditional models); null otherwise.</param>
/// <param name="Values">Steps × features: <c>values[t][f]</c>.</param>
public sealed record SequenceResponse(int Index, string? Label, float[][] Values);

/// <summary>A sequence to reconstruct.</summary>
/// <param name="Values">Steps × features, <c>values[t][f]</c>, in the data's units: as many steps as the model's
/// <c>sequenceLength</c>, as many features as its dataset.</param>
public sealed record SequenceRequest(float[][]? Values);
