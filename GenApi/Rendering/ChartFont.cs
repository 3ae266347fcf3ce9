using ScottPlot;
using SkiaSharp;

namespace GenApi.Rendering;

/// <summary>
/// The one typeface every chart draws its text with, shipped inside the assembly (DejaVu Sans, Bitstream Vera licence:
/// <c>Fonts/LICENSE-DejaVu.txt</c>). SkiaSharp's NoDependencies native build finds no system font, so without it
/// ScottPlot draws lines but no title, labels or legend on a fresh host or container.
/// </summary>
public sealed class ChartFont : IFontResolver
{
    public const string Name = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> Typeface = new(Load);
    private static int _registered;

    /// <summary>Makes the shipped font ScottPlot's default for every kind of text; idempotent.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Fonts.FontResolvers.Add(new ChartFont());
        Fonts.Default = Name;
        Fonts.Sans = Name;
        Fonts.Serif = Name;
        Fonts.Monospace = Name;
    }

    // Every weight, slant and spacing maps to the one face: legible everywhere matters more than true bold.
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        fontName == Name ? Typeface.Value : null;

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) => fontName == Name ? Typeface.Value : null;

    private static SKTypeface Load()
    {
        using var stream = typeof(ChartFont).Assembly.GetManifestResourceStream("GenApi.Rendering.Fonts.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The chart font is missing from the assembly.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("The chart font could not be loaded.");
    }
}
