using GenApi.Worker.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>
/// DCGAN generator (Radford et al. 2015): z → transposed convolutions with batch norm → tanh image. Conditional
/// configs concatenate a learned label embedding to z (cDCGAN); VAEs use it as their decoder.
/// </summary>
public sealed class DcganGenerator : ImageGenerator
{
    internal const int LabelDim = 32;
    private readonly Sequential _net;
    private readonly Embedding? _labels;

    public DcganGenerator(ModelConfig config) : base(nameof(DcganGenerator), config)
    {
        config.Validate();
        var width = config.BaseChannels << (config.Upsamplings - 1);
        var input = config.LatentDim + (config.Conditional ? LabelDim : 0);
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            // state size: (width) x start x start, e.g. (ngf*2) x 7 x 7 for 28×28
            ("project", ConvTranspose2d(input, width, config.StartSize, stride: 1, padding: 0L, bias: false)),
            ("project_bn", BatchNorm2d(width)),
            ("project_relu", ReLU(inplace: true)),
        };
        for (var i = 1; i < config.Upsamplings; i++, width /= 2)
        {
            // each block doubles the side and halves the feature maps
            layers.Add(($"up{i}", ConvTranspose2d(width, width / 2, 4, stride: 2, padding: 1, bias: false)));
            layers.Add(($"up{i}_bn", BatchNorm2d(width / 2)));
            layers.Add(($"up{i}_relu", ReLU(inplace: true)));
        }
        // state size: (channels) x size x size, in [-1, 1]
        layers.Add(("to_image", ConvTranspose2d(width, config.Channels, 4, stride: 2, padding: 1, bias: false)));
        layers.Add(("tanh", Tanh()));
        _net = Sequential(layers);
        if (config.Conditional) _labels = Embedding(config.Classes, LabelDim);
        RegisterComponents();
        DcganInit.Apply(this);
    }

    public override Tensor forward(Tensor z, Tensor? labels)
    {
        if (z.dim() == 4) z = z.flatten(1);
        if (_labels is not null)
            z = cat([z, _labels.call(labels ?? throw new ArgumentException("A conditional generator needs labels."))], 1);
        return _net.forward(z.view(z.shape[0], z.shape[1], 1, 1));
    }
}
