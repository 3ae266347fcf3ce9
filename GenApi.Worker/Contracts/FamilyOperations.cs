namespace GenApi.Worker.Contracts;

/// <summary>The operations a published model supports.</summary>
[Flags]
public enum FamilyOperations
{
    None = 0,
    /// <summary>Images from noise: samples, single samples, interpolation, evaluation.</summary>
    Sample = 1,
    /// <summary>An image through an encoder and back.</summary>
    Reconstruct = 2,
    /// <summary>An image from one domain into another.</summary>
    Translate = 4,
}
