using GenApi.Worker.Contracts;

namespace GenApi.Bench;

/// <summary>Counted floating-point work of one DCGAN training step (multiply-adds × 2; convolutions only, which dominate).</summary>
internal static class Flops
{
    /// <summary>
    /// Per image: the discriminator runs forward three times (real, fake for D, fake for G) and backward three times
    /// (≈ 2× forward each); the generator runs forward once and backward once. ≈ 9·F_D + 3·F_G.
    /// </summary>
    public static double PerStep(ModelConfig config, int batch) => batch * (9 * Discriminator(config) + 3 * Generator(config));

    public static double Generator(ModelConfig c)
    {
        var ups = (int)Math.Round(Math.Log2(c.ImageSize / (double)(c.ImageSize == 28 ? 7 : 4)));
        var start = c.ImageSize == 28 ? 7 : 4;
        var width = c.BaseChannels << (ups - 1);
        // Transposed convolutions: every input pixel scatters into k×k outputs of every output channel.
        double macs = (double)c.LatentDim * width * start * start;
        var side = start;
        for (var i = 1; i < ups; i++, width /= 2, side *= 2) macs += (double)side * side * width * (width / 2) * 16;
        macs += (double)side * side * width * c.Channels * 16;
        return 2 * macs;
    }

    public static double Discriminator(ModelConfig c)
    {
        var ups = (int)Math.Round(Math.Log2(c.ImageSize / (double)(c.ImageSize == 28 ? 7 : 4)));
        var side = c.ImageSize / 2;
        var width = c.BaseChannels;
        double macs = (double)side * side * width * c.Channels * 16;
        for (var i = 1; i < ups; i++, width *= 2)
        {
            side /= 2;
            macs += (double)side * side * width * 2 * width * 16;
        }
        macs += (double)width * side * side;
        return 2 * macs;
    }
}
