using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>The DCGAN paper's initialisation: conv weights ~ N(0, 0.02), batch-norm scale ~ N(1, 0.02), shift 0.</summary>
internal static class DcganInit
{
    public static void Apply(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    nn.init.normal_(conv.weight, 0.0, 0.02);
                    break;
                case ConvTranspose2d deconv:
                    nn.init.normal_(deconv.weight, 0.0, 0.02);
                    break;
                case BatchNorm2d norm:
                    nn.init.normal_(norm.weight, 1.0, 0.02);
                    nn.init.zeros_(norm.bias);
                    break;
                // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised: set PyTorch's (1, 0).
                case GroupNorm norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }
}
