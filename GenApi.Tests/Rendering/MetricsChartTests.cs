using System.Text.Json;
using GenApi.Contracts;
using GenApi.Rendering;
using GenApi.Worker.Contracts;
using GenApi.Worker.Sweeps;
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

    // The trials' curves on the left, one panel per swept parameter on the right: every panel has its axes and points.
    [Fact]
    public void SweepChart_DrawsTheCurvesAndEveryParameterPanel()
    {
        var spec = new SweepSpec
        {
            BaseRequest = "{}", Steps = 30, CheckpointEvery = 10,
            Parameters = [new SweepParameter("learningRate", null, 1e-4, 1e-2, ParameterDistribution.LogUniform), new SweepParameter("loss", [JsonSerializer.SerializeToElement("bce"), JsonSerializer.SerializeToElement("hinge")])],
        };
        var sweep = new SweepRecord { Id = "sweep_chart", Status = SweepStatus.Succeeded, Spec = spec, CreatedAt = DateTimeOffset.UnixEpoch };
        var trials = Enumerable.Range(0, 4).Select(n => new TrialScores(
            new JobRecord
            {
                Id = $"job_{n}", Status = n % 2 == 0 ? JobStatus.Succeeded : JobStatus.Pruned, Spec = new JobSpec { Dataset = "synthetic" }, CreatedAt = DateTimeOffset.UnixEpoch,
                Trial = new TrialInfo("sweep_chart", n, new Dictionary<string, JsonElement>
                {
                    ["learningRate"] = JsonSerializer.SerializeToElement(Math.Pow(10, -4 + n * 0.6)), ["loss"] = JsonSerializer.SerializeToElement(n % 2 == 0 ? "bce" : "hinge"),
                }),
            },
            Enumerable.Range(1, n % 2 == 0 ? 3 : 1).Select(k => (k * 10, 100.0 / k + n)).ToList())).ToList();
        using var chart = SKBitmap.Decode(SweepChart.RenderPng(sweep, trials, 1200, 600));

        Assert.True(InkIn(chart, top: 0, bottom: 600, left: 0, right: 600) > 2000, "the curves panel is blank");
        Assert.True(InkIn(chart, top: 0, bottom: 300, left: 600, right: 1200) > 1000, "the learningRate panel is blank");
        Assert.True(InkIn(chart, top: 300, bottom: 600, left: 600, right: 1200) > 1000, "the loss panel is blank");
    }

    private static int InkIn(SKBitmap bitmap, int top, int bottom, int left = 0, int? right = null)
    {
        var ink = 0;
        for (var y = top; y < bottom; y++)
        for (var x = left; x < (right ?? bitmap.Width); x++)
            if (bitmap.GetPixel(x, y).Red < 128) ink++;
        return ink;
    }
}
