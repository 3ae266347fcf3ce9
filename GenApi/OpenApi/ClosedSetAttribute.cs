using System.Reflection;

namespace GenApi.OpenApi;

/// <summary>
/// Marks a string field or parameter (or a list of strings) whose values form a closed set that the engine owns,
/// e.g. <c>[ClosedSet(typeof(ModelFamilies), nameof(ModelFamilies.Names))]</c>: the API document lists them as its
/// <c>enum</c>, while the value stays a string so a wrong one gets the mapper's own message in a 400.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ClosedSetAttribute(Type owner, string member) : Attribute
{
    public IReadOnlyList<string> Values =>
        owner.GetProperty(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyList<string>
        ?? throw new InvalidOperationException($"{owner.Name}.{member} is not a public static list of strings.");
}
