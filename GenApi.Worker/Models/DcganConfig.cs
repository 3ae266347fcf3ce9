namespace GenApi.Worker.Models;

/// <summary>The shape of a DCGAN pair: enough to rebuild the generator for sampling.</summary>
/// <param name="ImageSize">28, 32 or 64.</param>
/// <param name="Channels">1 (grayscale) or 3 (RGB).</param>
/// <param name="LatentDim">Length of the noise vector z.</param>
/// <param name="BaseChannels">Feature maps at the highest resolution (ngf = ndf); the paper uses 64.</param>
public sealed record DcganConfig(int ImageSize, int Channels, int LatentDim = 100, int BaseChannels = 64)
{
    public static IReadOnlyList<int> SupportedSizes { get; } = [28, 32, 64];

    /// <summary>Side of the smallest feature map: 28 = 7·2², powers of two start from 4.</summary>
    internal int StartSize => ImageSize == 28 ? 7 : 4;

    /// <summary>Number of 2× up-samplings from <see cref="StartSize"/> to <see cref="ImageSize"/>.</summary>
    internal int Upsamplings => (int)Math.Round(Math.Log2(ImageSize / (double)StartSize));

    internal void Validate()
    {
        if (!SupportedSizes.Contains(ImageSize))
            throw new ArgumentException($"DCGAN supports image sizes {string.Join(", ", SupportedSizes)}, not {ImageSize}.");
    }
}
