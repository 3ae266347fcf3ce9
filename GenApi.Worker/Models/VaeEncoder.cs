using GenApi.Worker.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>
/// The VAE's inference network q(z|x): the DCGAN discriminator's strided convolutions, then two linear heads for
/// the posterior mean and log-variance. A conditional encoder (CVAE) sees the label as extra one-hot input planes.
/// </summary>
public sealed class VaeEncoder : LatentEncoder
{
    private readonly Sequential _features;
    private readonly Linear _mean;
    private readonly Linear _logVariance;
    private readonly int _classes;

    public VaeEncoder(ModelConfig config) : base(nameof(VaeEncoder))
    {
        config.Validate();
        _classes = config.Classes;
        var width = config.EncoderBaseChannels ?? config.BaseChannels;
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("from_image", Conv2d(config.Channels + config.Classes, width, 4, stride: 2, padding: 1)),
            ("from_image_act", LeakyReLU(0.2, inplace: true)),
        };
        for (var i = 1; i < config.Upsamplings; i++, width *= 2)
        {
            layers.Add(($"down{i}", Conv2d(width, width * 2, 4, stride: 2, padding: 1, bias: false)));
            layers.Add(($"down{i}_bn", BatchNorm2d(width * 2)));
            layers.Add(($"down{i}_act", LeakyReLU(0.2, inplace: true)));
        }
        // state size: (width) x start x start
        layers.Add(("flatten", Flatten()));
        _features = Sequential(layers);
        var features = width * config.StartSize * config.StartSize;
        _mean = Linear(features, config.LatentDim);
        _logVariance = Linear(features, config.LatentDim);
        RegisterComponents();
    }

    public override (Tensor Mean, Tensor LogVariance) forward(Tensor images, Tensor? labels)
    {
        if (_classes > 0) images = LabelPlanes.Append(images, labels, _classes);
        var features = _features.call(images);
        return (_mean.call(features), _logVariance.call(features));
    }
}
