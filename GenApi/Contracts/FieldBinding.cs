using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using GenApi.Worker.Families;

namespace GenApi.Contracts;

/// <summary>
/// Binds the engine's family-specific fields (<see cref="JobFields.All"/>) to the HTTP types by JSON name: the request's or
/// response's property named for a field is that field. A setting declared on the engine's <c>TrainingSettings</c> therefore
/// needs only its property here; the mapper, the "applies to" check and the response follow from the name.
/// </summary>
public static class FieldBinding
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> Properties = new();

    /// <summary>The public properties of <paramref name="type"/> by their JSON (camelCase) names.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> Of(Type type) =>
        Properties.GetOrAdd(type, t => t.GetProperties().ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)));

    /// <summary>The family-specific fields that <paramref name="request"/> sets (not null), with their values.</summary>
    public static IReadOnlyDictionary<string, object> Given(object request)
    {
        var properties = Of(request.GetType());
        return JobFields.All
            .Select(field => (field, value: properties.TryGetValue(field, out var p) ? p.GetValue(request) : null))
            .Where(f => f.value is not null)
            .ToDictionary(f => f.field, f => f.value!);
    }

    /// <summary>Sets the property named <paramref name="field"/> (it must exist: the contract tests hold every field to one).</summary>
    public static void Set(object target, string field, object? value) => Of(target.GetType())[field].SetValue(target, value);
}
