using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Worker.Families.CycleGan;

/// <summary>CycleGAN's objectives (Zhu et al. 2017): least-squares adversarial terms, L1 cycle consistency and identity.</summary>
public static class CycleLoss
{
    /// <summary>G's adversarial term: (D(G(x)) − 1)², averaged over patches.</summary>
    public static Tensor Generator(Tensor fakeScores) => (fakeScores - 1).square().mean();

    /// <summary>D's term: ½[(D(y) − 1)² + D(G(x))²], halved as in the paper so D learns slower than G.</summary>
    public static Tensor Discriminator(Tensor realScores, Tensor fakeScores) => 0.5 * ((realScores - 1).square().mean() + fakeScores.square().mean());

    /// <summary>‖x̂ − x‖₁ per pixel: cycle reconstruction or identity.</summary>
    public static Tensor L1(Tensor reconstructed, Tensor original) => l1_loss(reconstructed, original);
}
