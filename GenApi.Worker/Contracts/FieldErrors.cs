namespace GenApi.Worker.Contracts;

/// <summary>Collects every invalid field of a request, so one 400 lists them all.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new();

    public int Count => _errors.Count;

    /// <summary>Records <paramref name="message"/> against <paramref name="field"/> unless <paramref name="ok"/>.</summary>
    public void Check(bool ok, string field, string message)
    {
        if (ok) return;
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>A field that was set although it does not apply.</summary>
    public void NotFor(object? value, string field, string why) => Check(value is null, field, $"{field} {why}.");

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
