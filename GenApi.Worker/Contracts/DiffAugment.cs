namespace GenApi.Worker.Contracts;

/// <summary>
/// Differentiable augmentation (Zhao et al. 2020, "DiffAugment"): the same random transforms are applied to every image D
/// sees, real and generated, in D's and in G's update, so D cannot memorise a small dataset and G's gradients flow back
/// through the transform. Each image of a batch draws its own parameters from the trainer's random stream, so a seed
/// names the same augmentations.
/// </summary>
public static class DiffAugment
{
    public const string Color = "color";
    public const string Translation = "translation";
    public const string Cutout = "cutout";

    /// <summary>The policies, in the order they are applied (the paper's).</summary>
    public static IReadOnlyList<string> Policies { get; } = [Color, Translation, Cutout];

    /// <summary>Shifts of up to this share of the side (the paper's 1/8), with zero padding.</summary>
    public const double TranslationRatio = 0.125;

    /// <summary>Side of the erased square as a share of the image's (the paper's 1/2).</summary>
    public const double CutoutRatio = 0.5;
}
