namespace GenApi.Worker.Datasets;

/// <summary>
/// What the steps of a sequence dataset hold: <see cref="Features"/> values each, feature f scaled from
/// [<see cref="Low"/>[f], <see cref="High"/>[f]] to the [-1, 1] a model trains on, so samples can be served in the data's own units.
/// </summary>
public sealed record SequenceValues(int Features, IReadOnlyList<double> Low, IReadOnlyList<double> High)
{
    /// <summary>Features already in [-1, 1].</summary>
    public static SequenceValues Unit(int features) => new(features, Enumerable.Repeat(-1.0, features).ToList(), Enumerable.Repeat(1.0, features).ToList());

    /// <summary>Value <paramref name="scaled"/> (in [-1, 1]) of feature <paramref name="feature"/> in the data's units.</summary>
    public double Unscale(double scaled, int feature) => Low[feature] + (scaled + 1) / 2 * (High[feature] - Low[feature]);

    /// <summary>The inverse of <see cref="Unscale"/>.</summary>
    public double Scale(double value, int feature) => (value - Low[feature]) / (High[feature] - Low[feature]) * 2 - 1;
}
