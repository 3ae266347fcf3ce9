using System.Text.Json;
using GenApi.Worker.Contracts;
using GenApi.Worker.Sweeps;
using ScottPlot;
using SkiaSharp;

namespace GenApi.Rendering;

/// <summary>A sweep at a glance (ScottPlot): every trial's metric against the step, and the metric against each swept parameter.</summary>
public static class SweepChart
{
    static SweepChart() => ChartFont.Register();

    public static byte[] RenderPng(SweepRecord sweep, IReadOnlyList<TrialScores> trials, int width, int height)
    {
        var spec = sweep.Spec;
        var panels = new List<Plot> { Curves(sweep, trials) };
        panels.AddRange(spec.Parameters.Select(p => ByParameter(p, spec.Metric, trials)));
        // The curves take the left half; the parameter panels share the right half in a column. Each panel is rendered
        // on its own (a plot paints its whole canvas) and then placed.
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        var half = panels.Count == 1 ? width : width / 2;
        Place(surface.Canvas, panels[0], 0, 0, half, height);
        var rows = panels.Count - 1;
        for (var i = 0; i < rows; i++)
            Place(surface.Canvas, panels[i + 1], half, height * i / rows, width - half, height * (i + 1) / rows - height * i / rows);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void Place(SKCanvas canvas, Plot plot, int x, int y, int width, int height)
    {
        using var image = SKImage.FromEncodedData(plot.GetImageBytes(Math.Max(width, 1), Math.Max(height, 1), ImageFormat.Png));
        canvas.DrawImage(image, x, y, new SKSamplingOptions(SKFilterMode.Nearest));
    }

    private static Plot Curves(SweepRecord sweep, IReadOnlyList<TrialScores> trials)
    {
        var plot = new Plot();
        plot.Title($"{sweep.Id}: {sweep.Spec.Metric.Name} by step");
        plot.XLabel("step");
        plot.YLabel(sweep.Spec.Metric.Name);
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var t in trials.Where(t => t.Values.Count > 0))
        {
            var line = plot.Add.Scatter(t.Values.Select(v => (double)v.Step).ToArray(), t.Values.Select(v => v.Value).ToArray());
            var pruned = t.Trial.Status == JobStatus.Pruned;
            // Pruned trials fade into the background; the survivors carry the legend.
            line.Color = palette.GetColor(t.Trial.Trial!.Number).WithAlpha(pruned ? 0.3 : 1.0);
            line.LineWidth = pruned ? 1 : 2;
            line.MarkerSize = pruned ? 3 : 5;
            if (!pruned) line.LegendText = $"trial {t.Trial.Trial.Number}";
        }
        if (trials.Any(t => t.Values.Count > 0 && t.Trial.Status != JobStatus.Pruned)) plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Plot ByParameter(SweepParameter parameter, SweepMetric metric, IReadOnlyList<TrialScores> trials)
    {
        var plot = new Plot();
        plot.XLabel(parameter.IsLog ? $"{parameter.Path} (log scale)" : parameter.Path);
        plot.YLabel(metric.Name);
        var scored = trials.Where(t => t.Latest is not null && t.Trial.Trial!.Parameters.ContainsKey(parameter.Path)).ToList();
        double X(JsonElement value) => parameter.Values is { } values
            ? values.ToList().FindIndex(v => JsonElement.DeepEquals(v, value))
            : parameter.IsLog ? Math.Log10(value.GetDouble()) : value.GetDouble();
        foreach (var pruned in new[] { false, true })
        {
            var group = scored.Where(t => (t.Trial.Status == JobStatus.Pruned) == pruned).ToList();
            if (group.Count == 0) continue;
            var markers = plot.Add.Markers(group.Select(t => X(t.Trial.Trial!.Parameters[parameter.Path])).ToArray(), group.Select(t => t.Latest!.Value.Value).ToArray());
            markers.Color = Colors.C0.WithAlpha(pruned ? 0.3 : 1.0);
            markers.MarkerSize = 8;
        }
        if (parameter.Values is { } categories)
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(),
                categories.Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : c.GetRawText()).ToArray());
        else if (parameter.IsLog)
        {
            var (low, high) = (Math.Floor(Math.Log10(parameter.Min!.Value)), Math.Ceiling(Math.Log10(parameter.Max!.Value)));
            var ticks = Enumerable.Range((int)low, (int)(high - low) + 1).Select(e => (double)e).ToArray();
            plot.Axes.Bottom.SetTicks(ticks, ticks.Select(e => Math.Pow(10, e).ToString("0.#####E0", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }
        return plot;
    }
}
