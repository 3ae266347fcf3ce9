namespace GenApi.Worker.Contracts;

/// <summary>What a check of a request needs to know of a model family, handed down by the registry (which sits above the contracts).</summary>
/// <param name="Operations">What its published models can be asked for.</param>
/// <param name="Sequences">Whether it models sequences with recurrent networks.</param>
/// <param name="Samplers">The families that sample from noise, in words (for messages).</param>
public sealed record FamilyTraits(FamilyOperations Operations, bool Sequences, string Samplers);
