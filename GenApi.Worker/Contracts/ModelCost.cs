namespace GenApi.Worker.Contracts;

/// <summary>What a generator costs to keep and to run.</summary>
/// <param name="Parameters">Parameters (weights, biases, batch-norm scales and label embeddings).</param>
/// <param name="NonZeroParameters">Those not zero (fewer after magnitude pruning).</param>
/// <param name="FlopsPerSample">Multiply-adds × 2 of its convolutions and linear layers for one sample, counting zeros as dense
/// kernels do; null for recurrent decoders, whose cost is per step.</param>
public sealed record ModelCost(long Parameters, long NonZeroParameters, long? FlopsPerSample)
{
}
