using GenApi.Worker.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>
/// DCGAN discriminator: strided convolutions with leaky ReLU; one logit per image. A WGAN-GP critic uses layer
/// norm instead of batch norm (the penalty is per sample, batch norm couples samples). Conditional configs see the
/// label as one-hot input planes (the classic cDCGAN). Measured alternatives on Fashion-MNIST (README, tuning table):
/// a projection term without spectral norm collapsed the generator to one image per class, and a per-class bias on
/// the first feature maps (the planes' interior equivalent) trained 1.4× faster per step but scored worse at 3,000 steps.
/// </summary>
public sealed class DcganDiscriminator : ImageDiscriminator
{
    private readonly Sequential _features;
    private readonly Module<Tensor, Tensor> _logit;
    private readonly int _classes;

    /// <param name="random">Where dropout masks come from (the trainer's generator).</param>
    /// <param name="spectralNorm">Spectrally normalised convolutions and no batch norm, as SNGAN's D.</param>
    public DcganDiscriminator(ModelConfig config, double dropout = 0, bool layerNorm = false, Func<Generator?>? random = null, bool spectralNorm = false)
        : base(nameof(DcganDiscriminator))
    {
        config.Validate();
        var width = config.BaseChannels;
        Module<Tensor, Tensor> Conv(long inputs, long outputs, long kernel, long stride, long padding) => spectralNorm
            ? new SpectralConv2d(inputs, outputs, kernel, stride, padding)
            : Conv2d(inputs, outputs, kernel, stride: stride, padding: padding, bias: false);
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            // no normalisation on the input layer, as in the paper
            ("from_image", Conv(config.Channels + config.Classes, width, 4, 2, 1)),
            ("from_image_act", LeakyReLU(0.2, inplace: true)),
        };
        for (var i = 1; i < config.Upsamplings; i++, width *= 2)
        {
            if (dropout > 0) layers.Add(($"drop{i}", new SeededDropout(dropout, channels: true, random ?? (() => null))));
            layers.Add(($"down{i}", Conv(width, width * 2, 4, 2, 1)));
            if (!spectralNorm) layers.Add(($"down{i}_norm", layerNorm ? GroupNorm(1, width * 2) : BatchNorm2d(width * 2)));
            layers.Add(($"down{i}_act", LeakyReLU(0.2, inplace: true)));
        }
        _features = Sequential(layers);
        // Block 1 is the input convolution; block i + 1 is down{i} with its norm (dropout and activations hold no weights).
        Blocks = [["_features.from_image"], .. Enumerable.Range(1, config.Upsamplings - 1).Select(i => (IReadOnlyList<string>)[$"_features.down{i}", $"_features.down{i}_norm"])];
        // state size: (width) x start x start → 1 x 1 x 1
        _logit = Conv(width, 1, config.StartSize, 1, 0);
        _classes = config.Classes;
        RegisterComponents();
        DcganInit.Apply(this);
    }

    protected override IReadOnlyList<IReadOnlyList<string>> Blocks { get; }

    /// <summary>The number of feature blocks a discriminator for <paramref name="config"/> has.</summary>
    public static int BlockCountFor(ModelConfig config) => config.Upsamplings;

    public override Tensor forward(Tensor images, Tensor? labels)
    {
        if (_classes > 0) images = LabelPlanes.Append(images, labels, _classes);
        return _logit.call(_features.call(images)).flatten();
    }
}
