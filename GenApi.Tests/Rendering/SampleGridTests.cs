using GenApi.Worker.Rendering;
using SkiaSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Rendering;

public sealed class SampleGridTests
{
    private readonly SampleGrid _grid = new(new SkiaPngEncoder());

    [Fact]
    public void RenderPng_LaysOutImagesWithPadding_AndMapsMinusOneToBlackAndOneToWhite()
    {
        // 5 images of 4×6: 3 columns, 2 rows
        using var images = cat([full(3, 1, 4, 6, -1f), full(2, 1, 4, 6, 1f)]);
        using var bitmap = SKBitmap.Decode(_grid.RenderPng(images));

        Assert.Equal(3 * (6 + SampleGrid.Padding) + SampleGrid.Padding, bitmap.Width);
        Assert.Equal(2 * (4 + SampleGrid.Padding) + SampleGrid.Padding, bitmap.Height);
        Assert.Equal(0, bitmap.GetPixel(2, 2).Red);            // first image: -1
        Assert.Equal(255, bitmap.GetPixel(2, 2 + 6).Red);      // fourth image (second row): +1
        Assert.Equal(0, bitmap.GetPixel(2 + 6 + 2 + 6 + 2 + 1, 2 + 6 + 1).Red); // empty sixth cell
    }

    [Fact]
    public void RenderPng_KeepsColour_ForThreeChannels()
    {
        using var images = zeros(1, 3, 2, 2);
        images[0, 0].fill_(1f);   // red
        images[0, 1].fill_(-1f);
        images[0, 2].fill_(-1f);
        using var bitmap = SKBitmap.Decode(_grid.RenderPng(images));
        var pixel = bitmap.GetPixel(SampleGrid.Padding, SampleGrid.Padding);
        Assert.Equal((255, 0, 0), (pixel.Red, pixel.Green, pixel.Blue));
    }
}
