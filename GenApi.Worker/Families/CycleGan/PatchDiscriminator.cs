using GenApi.Worker.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Families.CycleGan;

/// <summary>
/// PatchGAN discriminator (Isola et al. 2017): a score per overlapping patch rather than per image, so D judges
/// local texture and G keeps the global layout. Two stride-2 layers for 28–32 px (a 5×5 or 6×6 map of ~22 px patches),
/// three for 64 px. Output <c>[N, 1, P, P]</c> raw scores (LSGAN).
/// </summary>
public sealed class PatchDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential _net;

    public PatchDiscriminator(ModelConfig config) : base(nameof(PatchDiscriminator))
    {
        config.Validate();
        var k = config.BaseChannels;
        var downs = config.ImageSize <= 32 ? 2 : 3;
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            // no normalisation on the input layer, as in the paper
            ("in_conv", Conv2d(config.Channels, k, 4, stride: 2, padding: 1)), ("in_act", LeakyReLU(0.2, inplace: true)),
        };
        var width = k;
        for (var i = 1; i < downs; i++, width *= 2)
        {
            layers.Add(($"down{i}", Conv2d(width, width * 2, 4, stride: 2, padding: 1)));
            layers.Add(($"down{i}_norm", InstanceNorm2d(width * 2)));
            layers.Add(($"down{i}_act", LeakyReLU(0.2, inplace: true)));
        }
        layers.Add(("last", Conv2d(width, width * 2, 4, stride: 1, padding: 1)));
        layers.Add(("last_norm", InstanceNorm2d(width * 2)));
        layers.Add(("last_act", LeakyReLU(0.2, inplace: true)));
        layers.Add(("score", Conv2d(width * 2, 1, 4, stride: 1, padding: 1)));
        _net = Sequential(layers);
        RegisterComponents();
        CycleGanInit.Apply(this);
    }

    public override Tensor forward(Tensor images) => _net.call(images);
}
