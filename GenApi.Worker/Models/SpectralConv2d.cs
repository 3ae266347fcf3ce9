using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Models;

/// <summary>
/// A convolution whose weight is divided by its largest singular value σ(W) (spectral normalisation, Miyato et al. 2018):
/// D becomes 1-Lipschitz per layer, the stabiliser behind SNGAN. σ is estimated by one power iteration per training
/// forward, on the device with no host sync; the iteration's vector is a buffer, so a checkpoint resumes it exactly.
/// </summary>
public sealed class SpectralConv2d : Module<Tensor, Tensor>
{
    private readonly long _stride, _padding;

    public SpectralConv2d(long inputs, long outputs, long kernel, long stride = 1, long padding = 0) : base(nameof(SpectralConv2d))
    {
        (_stride, _padding) = (stride, padding);
        register_parameter("weight", Parameter(empty(outputs, inputs, kernel, kernel).normal_(0, 0.02)));
        register_buffer("u", functional.normalize(randn(outputs), dim: 0));
    }

    // Looked up by name, not kept in fields: to(type) and to(device) replace registered tensors, and a field would keep the old one.
    private Parameter Weight => get_parameter("weight")!;
    private Tensor U => get_buffer("u")!;

    /// <summary>W / σ(W) with σ from the current power-iteration vector (advanced first when training).</summary>
    public Tensor NormalizedWeight()
    {
        var weight = Weight;
        var power = U;
        var matrix = weight.view(weight.shape[0], -1);
        Tensor u, v;
        using (no_grad())
        {
            v = functional.normalize(matrix.t().mv(power), dim: 0);
            if (training) power.copy_(functional.normalize(matrix.mv(v), dim: 0));
            // A copy: the next forward (D sees real and fake in one step) advances the buffer in place, which must not
            // change what this forward's backward reads.
            u = power.clone();
        }
        var sigma = u.dot(matrix.mv(v));
        return weight / sigma;
    }

    public override Tensor forward(Tensor input) =>
        functional.conv2d(input, NormalizedWeight(), strides: [_stride, _stride], padding: [_padding, _padding]);
}
