using GenApi.Contracts;
using GenApi.Rendering;
using SkiaSharp;

namespace GenApi.Tests.Rendering;

public sealed class MetricsChartTests
{
    // Without a shipped font the NoDependencies Skia build draws the curves but not one glyph: the bands where the
    // title and the x-axis label go stay blank.
    [Fact]
    public void Chart_DrawsItsTitleAndAxisLabels()
    {
        var points = Enumerable.Range(1, 20).Select(i => new MetricPointResponse(i * 10, 1.0 / i, 2.0 - 1.0 / i, 500 + i, 2e-4)).ToList();
        using var chart = SKBitmap.Decode(MetricsChart.RenderPng("job_title", points, 800, 450));

        Assert.True(InkIn(chart, top: 0, bottom: 40) > 100, "the title band is blank: no font was found");
        Assert.True(InkIn(chart, top: 425, bottom: 450) > 50, "the x-axis label band is blank: no font was found");
    }

    private static int InkIn(SKBitmap bitmap, int top, int bottom)
    {
        var ink = 0;
        for (var y = top; y < bottom; y++)
        for (var x = 0; x < bitmap.Width; x++)
            if (bitmap.GetPixel(x, y).Red < 128) ink++;
        return ink;
    }
}
