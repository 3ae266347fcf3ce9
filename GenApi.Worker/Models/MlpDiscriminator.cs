using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>The classic fully connected GAN discriminator: image → 8w → 4w (leaky ReLU, optional dropout) → logit.</summary>
public sealed class MlpDiscriminator : ImageDiscriminator
{
    private readonly Module<Tensor, Tensor> _net;

    public MlpDiscriminator(ModelConfig config, double dropout) : base(nameof(MlpDiscriminator))
    {
        var w = config.BaseChannels;
        _net = Sequential(
            ("hidden1", Linear(config.Pixels, 8 * w)), ("act1", LeakyReLU(0.2, inplace: true)), ("drop1", Dropout(dropout)),
            ("hidden2", Linear(8 * w, 4 * w)), ("act2", LeakyReLU(0.2, inplace: true)), ("drop2", Dropout(dropout)),
            ("logit", Linear(4 * w, 1)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor images, Tensor? labels) => _net.call(images.flatten(1)).flatten();
}
