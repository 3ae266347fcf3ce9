using static TorchSharp.torch;

namespace GenApi.Worker.Families.CycleGan;

/// <summary>The reference implementation's initialisation: conv weights N(0, 0.02), biases 0.</summary>
internal static class CycleGanInit
{
    public static void Apply(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (parameter.dim() > 1) parameter.normal_(0, 0.02);
        }
    }
}
