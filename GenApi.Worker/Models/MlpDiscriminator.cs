using GenApi.Worker.Contracts;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>The classic fully connected GAN discriminator: image → 8w → 4w (leaky ReLU, optional dropout) → logit.</summary>
public sealed class MlpDiscriminator : ImageDiscriminator
{
    private readonly Module<Tensor, Tensor> _net;

    /// <param name="random">Where dropout masks come from (the trainer's generator).</param>
    public MlpDiscriminator(ModelConfig config, double dropout, Func<Generator?>? random = null) : base(nameof(MlpDiscriminator))
    {
        var w = config.BaseChannels;
        random ??= () => null;
        _net = Sequential(
            ("hidden1", Linear(config.Pixels, 8 * w)), ("act1", LeakyReLU(0.2, inplace: true)), ("drop1", new SeededDropout(dropout, false, random)),
            ("hidden2", Linear(8 * w, 4 * w)), ("act2", LeakyReLU(0.2, inplace: true)), ("drop2", new SeededDropout(dropout, false, random)),
            ("logit", Linear(4 * w, 1)));
        RegisterComponents();
    }

    /// <summary>The two hidden layers; the logit adapts.</summary>
    public const int HiddenBlocks = 2;

    protected override IReadOnlyList<IReadOnlyList<string>> Blocks { get; } = [["_net.hidden1"], ["_net.hidden2"]];

    public override Tensor forward(Tensor images, Tensor? labels) => _net.call(images.flatten(1)).flatten();
}
