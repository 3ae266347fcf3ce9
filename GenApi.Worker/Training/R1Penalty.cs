using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// R1 (Mescheder et al. 2018): E‖∇ₓ D(x)‖² on real images, which stops D from growing steep around the data, the
/// regulariser of StyleGAN's D. Built with create_graph so its gradient reaches D's weights.
/// </summary>
public static class R1Penalty
{
    public static Tensor Of(Func<Tensor, Tensor> critic, Tensor real)
    {
        var x = real.detach().requires_grad_(true);
        var scores = critic(x);
        var gradient = autograd.grad([scores.sum()], [x], retain_graph: true, create_graph: true)[0];
        return gradient.square().flatten(1).sum(1).mean();
    }
}
