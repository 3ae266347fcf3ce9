namespace GenApi.Worker.Contracts;

/// <summary>
/// What the steps of a sequence dataset hold: <see cref="Features"/> values each, named <see cref="Names"/>, feature f scaled
/// from [<see cref="Low"/>[f], <see cref="High"/>[f]] to the [-1, 1] a model trains on, so samples can be served in the data's own units.
/// </summary>
public sealed record SequenceValues(int Features, IReadOnlyList<double> Low, IReadOnlyList<double> High, IReadOnlyList<string> Names)
{
    /// <summary>Features already in [-1, 1].</summary>
    public static SequenceValues Unit(int features) =>
        new(features, Enumerable.Repeat(-1.0, features).ToList(), Enumerable.Repeat(1.0, features).ToList(), DefaultNames(features));

    /// <summary><c>value</c>, or <c>value0</c>, <c>value1</c>… for several features.</summary>
    public static IReadOnlyList<string> DefaultNames(int features) =>
        features == 1 ? ["value"] : Enumerable.Range(0, features).Select(f => $"value{f}").ToList();

    /// <summary>The pixels of image rows read as sequences: <c>x0</c>… (<c>c1x0</c>… for channels after the first), intensities in [0, 1].</summary>
    public static SequenceValues ImageRows(int channels, int width) => new(channels * width,
        Enumerable.Repeat(0.0, channels * width).ToList(), Enumerable.Repeat(1.0, channels * width).ToList(),
        Enumerable.Range(0, channels * width).Select(i => i < width ? $"x{i}" : $"c{i / width}x{i % width}").ToList());

    /// <summary>Value <paramref name="scaled"/> (in [-1, 1]) of feature <paramref name="feature"/> in the data's units.</summary>
    public double Unscale(double scaled, int feature) => Low[feature] + (scaled + 1) / 2 * (High[feature] - Low[feature]);

    /// <summary>The inverse of <see cref="Unscale"/>.</summary>
    public double Scale(double value, int feature) => (value - Low[feature]) / (High[feature] - Low[feature]) * 2 - 1;
}
