using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>DCGAN discriminator: strided convolutions with leaky ReLU; returns one logit per image.</summary>
public sealed class DcganDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential _net;

    public DcganDiscriminator(DcganConfig config) : base(nameof(DcganDiscriminator))
    {
        config.Validate();
        var width = config.BaseChannels;
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            // no batch norm on the input layer, as in the paper
            ("from_image", Conv2d(config.Channels, width, 4, stride: 2, padding: 1, bias: false)),
            ("from_image_act", LeakyReLU(0.2, inplace: true)),
        };
        for (var i = 1; i < config.Upsamplings; i++, width *= 2)
        {
            layers.Add(($"down{i}", Conv2d(width, width * 2, 4, stride: 2, padding: 1, bias: false)));
            layers.Add(($"down{i}_bn", BatchNorm2d(width * 2)));
            layers.Add(($"down{i}_act", LeakyReLU(0.2, inplace: true)));
        }
        // state size: (width) x start x start → 1 x 1 x 1
        layers.Add(("logit", Conv2d(width, 1, config.StartSize, stride: 1, padding: 0L, bias: false)));
        _net = Sequential(layers);
        RegisterComponents();
        DcganInit.Apply(this);
    }

    /// <summary>Maps images <c>[N, C, H, W]</c> to logits <c>[N]</c> (real &gt; 0).</summary>
    public override Tensor forward(Tensor images) => _net.forward(images).flatten();
}
