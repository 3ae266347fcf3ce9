using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>DCGAN generator (Radford et al. 2015): z → transposed convolutions with batch norm → tanh image.</summary>
public sealed class DcganGenerator : Module<Tensor, Tensor>
{
    private readonly Sequential _net;

    public DcganGenerator(DcganConfig config) : base(nameof(DcganGenerator))
    {
        config.Validate();
        Config = config;
        var width = config.BaseChannels << (config.Upsamplings - 1);
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            // state size: (width) x start x start, e.g. (ngf*2) x 7 x 7 for 28×28
            ("project", ConvTranspose2d(config.LatentDim, width, config.StartSize, stride: 1, padding: 0L, bias: false)),
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
        RegisterComponents();
        DcganInit.Apply(this);
    }

    public DcganConfig Config { get; }

    /// <summary>Maps noise <c>[N, latent]</c> or <c>[N, latent, 1, 1]</c> to images <c>[N, C, H, W]</c>.</summary>
    public override Tensor forward(Tensor z) =>
        _net.forward(z.dim() == 2 ? z.view(z.shape[0], z.shape[1], 1, 1) : z);
}
