using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>
/// The projection discriminator's class term (Miyato &amp; Koyama 2018): ⟨embed(y), φ(x)⟩ added to the unconditional
/// logit, which conditions D far more reliably than concatenating labels to its input.
/// </summary>
internal sealed class LabelProjection : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding _embed;

    public LabelProjection(int classes, int features) : base(nameof(LabelProjection))
    {
        _embed = nn.Embedding(classes, features);
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.normal_(_embed.weight!, 0.0, 0.02);
    }

    /// <param name="features">Pooled features φ(x), <c>[N, F]</c>.</param>
    /// <param name="labels">Class indexes <c>[N]</c>.</param>
    public override Tensor forward(Tensor features, Tensor labels) => (_embed.call(labels) * features).sum(1);
}
