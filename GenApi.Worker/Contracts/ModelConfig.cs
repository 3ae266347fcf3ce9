namespace GenApi.Worker.Contracts;

/// <summary>The shape of a trained model: enough to rebuild its generator (and encoder) for sampling.</summary>
/// <param name="ImageSize">28, 32 or 64.</param>
/// <param name="Channels">1 (grayscale) or 3 (RGB).</param>
/// <param name="LatentDim">Length of the noise vector z.</param>
/// <param name="BaseChannels">Width of the networks: feature maps at the highest resolution (ngf = ndf) for the convolutional
/// families; the MLP's hidden layers are multiples of it.</param>
/// <param name="Family">One of a registered family's name.</param>
/// <param name="Classes">Number of classes a conditional model takes as labels; 0 for unconditional models.</param>
/// <param name="Ema">Whether an exponential moving average of the generator's weights was kept (and published).</param>
/// <param name="Domains">Translation models: domains A and B, as the dataset's class names and indexes (null for the other families).</param>
/// <param name="Recurrent">Sequence models: the recurrent networks' shape; <see cref="ImageSize"/> is then the sequence length
/// (an image's rows), and samples are <c>[N, Channels, ImageSize, Features / Channels]</c> planes.</param>
/// <param name="EncoderBaseChannels">A VAE's encoder width where it differs from the decoder's (a compressed model keeps its
/// parent's encoder); null: <see cref="BaseChannels"/>.</param>
public sealed record ModelConfig(
    int ImageSize, int Channels, int LatentDim = 100, int BaseChannels = 64, string Family = JobSpec.DefaultModel, int Classes = 0,
    bool Ema = false, DomainClasses? Domains = null, RecurrentShape? Recurrent = null, int? EncoderBaseChannels = null)
{
    public static IReadOnlyList<int> SupportedSizes { get; } = [28, 32, 64];

    public bool Conditional => Classes > 0;

    /// <summary>Side of the smallest feature map: 28 = 7·2², powers of two start from 4.</summary>
    internal int StartSize => ImageSize == 28 ? 7 : 4;

    /// <summary>Number of 2× up-samplings from <see cref="StartSize"/> to <see cref="ImageSize"/>.</summary>
    internal int Upsamplings => (int)Math.Round(Math.Log2(ImageSize / (double)StartSize));

    internal long Pixels => (long)Channels * ImageSize * ImageSize;

    internal void Validate()
    {
        if (!SupportedSizes.Contains(ImageSize))
            throw new ArgumentException($"Models support image sizes {string.Join(", ", SupportedSizes)}, not {ImageSize}.");
    }
}

/// <summary>A recurrent model's networks and what each step holds.</summary>
/// <param name="Features">Values per step: a sequence's features, or an image row's pixels (width × channels).</param>
/// <param name="Cell"><c>gru</c> or <c>lstm</c>.</param>
/// <param name="Bidirectional">Whether the encoder also reads the sequence backwards.</param>
/// <param name="Values">Sequence data: each feature's range in the data's units; null when the steps are image rows.</param>
/// <param name="InputDropout">Share of the decoder's teacher-forced inputs zeroed in training; at 1 it never reads past values.</param>
public sealed record RecurrentShape(int Features, int HiddenSize, int Layers, string Cell, bool Bidirectional, SequenceValues? Values,
    double InputDropout = 0)
{
    public const string Gru = "gru";
    public const string Lstm = "lstm";
    public static IReadOnlyList<string> Cells { get; } = [Gru, Lstm];
}

/// <summary>A translation model's two domains: class names and their indexes in the dataset's labels.</summary>
public sealed record DomainClasses(string A, string B, int ClassA, int ClassB);
