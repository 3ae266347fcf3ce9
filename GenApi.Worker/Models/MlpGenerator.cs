using GenApi.Worker.Contracts;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>The classic fully connected GAN generator: z → 2w → 4w → 8w → 16w (batch norm, leaky ReLU) → tanh image, w = baseChannels.</summary>
public sealed class MlpGenerator : ImageGenerator
{
    private readonly Module<Tensor, Tensor> _net;

    public MlpGenerator(ModelConfig config) : base(nameof(MlpGenerator), config)
    {
        var w = config.BaseChannels;
        _net = Sequential(
            ("hidden1", Linear(config.LatentDim, 2 * w)), ("act1", LeakyReLU(0.2, inplace: true)),
            ("hidden2", Linear(2 * w, 4 * w)), ("bn2", BatchNorm1d(4 * w)), ("act2", LeakyReLU(0.2, inplace: true)),
            ("hidden3", Linear(4 * w, 8 * w)), ("bn3", BatchNorm1d(8 * w)), ("act3", LeakyReLU(0.2, inplace: true)),
            ("hidden4", Linear(8 * w, 16 * w)), ("bn4", BatchNorm1d(16 * w)), ("act4", LeakyReLU(0.2, inplace: true)),
            ("to_image", Linear(16 * w, config.Pixels)), ("tanh", Tanh()));
        RegisterComponents();
    }

    public override Tensor forward(Tensor z, Tensor? labels) =>
        _net.call(z.flatten(1)).view(z.shape[0], Config.Channels, Config.ImageSize, Config.ImageSize);
}
