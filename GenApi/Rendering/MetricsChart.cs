using GenApi.Contracts;
using ScottPlot;

namespace GenApi.Rendering;

/// <summary>Training curves as PNG (ScottPlot): both losses against the step, throughput on a second axis.</summary>
public static class MetricsChart
{
    static MetricsChart() => ChartFont.Register();

    public static byte[] RenderPng(string title, IReadOnlyList<MetricPointResponse> points, int width, int height)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("loss");
        if (points.Count > 0)
        {
            double[] steps = points.Select(p => (double)p.Step).ToArray();
            var lossD = plot.Add.Scatter(steps, points.Select(p => p.LossD).ToArray());
            lossD.LegendText = "loss D";
            lossD.MarkerSize = 0;
            var lossG = plot.Add.Scatter(steps, points.Select(p => p.LossG).ToArray());
            lossG.LegendText = "loss G";
            lossG.MarkerSize = 0;
            var speed = plot.Add.Scatter(steps, points.Select(p => p.ImagesPerSecond).ToArray());
            speed.LegendText = "images/s";
            speed.MarkerSize = 0;
            speed.LinePattern = LinePattern.Dotted;
            speed.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "images/s";
            plot.ShowLegend(Alignment.UpperRight);
        }
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
