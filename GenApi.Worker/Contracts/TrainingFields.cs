using System.Globalization;
using System.Reflection;

namespace GenApi.Worker.Contracts;

/// <summary>One family-specific setting of <see cref="TrainingSettings"/>, as its <see cref="SettingAttribute"/> declares it.</summary>
public sealed record TrainingField(PropertyInfo Property, SettingAttribute Declared)
{
    /// <summary>The JSON field of requests and responses.</summary>
    public string Name => Declared.Field;

    public object? Read(TrainingSettings settings) => Property.GetValue(settings);

    /// <summary>Records what is wrong with <paramref name="settings"/>' value against the declaration.</summary>
    public void Check(TrainingSettings settings, FieldErrors e)
    {
        var value = Read(settings);
        if (Declared.Values is { } values)
        {
            if (value is IReadOnlyList<string> items)
                e.Check(items.All(values.Contains) && items.Distinct().Count() == items.Count, Name, $"{Name} takes each of {string.Join(", ", values)} at most once.");
            else
                e.Check(value is string s && values.Contains(s), Name, $"Unknown {Name} '{value}'; expected one of: {string.Join(", ", values)}.");
        }
        if (value is not (int or long or double)) return;
        var (x, min, max) = (Convert.ToDouble(value, CultureInfo.InvariantCulture), Declared.Min, Declared.Max);
        var ok = !(x < min) && (Declared.MaxExclusive ? !(x >= max) : !(x > max));
        if (double.IsNaN(min) || double.IsNaN(max)) return;
        var unit = Declared.Unit is { } u ? $" {u}" : "";
        e.Check(ok, Name, Declared.MaxExclusive ? $"{Name} must be in [{Text(min)}, {Text(max)}){unit}." : $"{Name} must be between {Text(min)} and {Text(max)}{unit}.");
    }

    private static string Text(double v) => v >= 10_000 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The family-specific settings, read once from the <see cref="SettingAttribute"/>s on <see cref="TrainingSettings"/>: the
/// one list that the request mapper, the response, the registry's field lists and the API document draw from.
/// </summary>
public static class TrainingFields
{
    public static IReadOnlyList<TrainingField> All { get; } =
    [
        .. typeof(TrainingSettings).GetProperties()
            .Select(p => (Property: p, Declared: p.GetCustomAttribute<SettingAttribute>()))
            .Where(p => p.Declared is not null)
            .Select(p => new TrainingField(p.Property, p.Declared!)),
    ];

    /// <summary>The JSON fields of one group, in declaration order.</summary>
    public static IReadOnlyList<string> Of(SettingGroup group) => [.. All.Where(f => f.Declared.Group == group).Select(f => f.Name)];

    public static TrainingField? Find(string field) => All.FirstOrDefault(f => f.Name == field);

    /// <summary>A copy of <paramref name="settings"/> with every field that <paramref name="valueOf"/> answers (not null) set to that value.</summary>
    public static TrainingSettings With(TrainingSettings settings, Func<TrainingField, object?> valueOf)
    {
        var copy = settings with { };
        foreach (var field in All)
            if (valueOf(field) is { } value) field.Property.SetValue(copy, value);
        return copy;
    }
}
