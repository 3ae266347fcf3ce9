using System.Reflection;

namespace GenApi.Worker.Contracts;

/// <summary>The kinds of family-specific training settings. A family takes a group (or part of one), so a setting added to
/// a group reaches every family of it without touching their lists.</summary>
public enum SettingGroup
{
    /// <summary>A generator against a discriminator: losses, regularisers, augmentation, precision.</summary>
    Adversarial,
    /// <summary>An encoder and decoder under the ELBO: reconstruction, KL weight and its schedule.</summary>
    Variational,
    /// <summary>Unpaired translation: cycle and identity weights, the image pool.</summary>
    Translation,
}

/// <summary>
/// Declares a family-specific training setting once, on its <see cref="TrainingSettings"/> property: the JSON field that
/// requests and responses call it, the group of families that take it, and the values it may take. The request mapper,
/// the "applies to" check, the bounds check, resuming, the resolved-settings response and the API document follow
/// from this declaration (<see cref="TrainingFields"/>); a family checks only what needs more than one value.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string name, SettingGroup group) : Attribute
{
    public string Field => name;
    public SettingGroup Group => group;

    /// <summary>Smallest value (inclusive); NaN for no bound.</summary>
    public double Min { get; init; } = double.NaN;

    /// <summary>Largest value (inclusive unless <see cref="MaxExclusive"/>); NaN for no bound.</summary>
    public double Max { get; init; } = double.NaN;

    public bool MaxExclusive { get; init; }

    /// <summary>What the value counts, for the bounds' message (e.g. "nats per latent dimension").</summary>
    public string? Unit { get; init; }

    /// <summary>With <see cref="OneOfMember"/>: the type whose public static list of strings holds every value it may take
    /// (for a list setting, each item, at most once).</summary>
    public Type? OneOf { get; init; }

    public string? OneOfMember { get; init; }

    /// <summary>It shapes the networks or their training state: a resumed job keeps its checkpoint's value and refuses another.</summary>
    public bool Architectural { get; init; }

    /// <summary>The closed set of values, or null.</summary>
    public IReadOnlyList<string>? Values => OneOf is null || OneOfMember is null ? null
        : OneOf.GetProperty(OneOfMember, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyList<string>
          ?? throw new InvalidOperationException($"{OneOf.Name}.{OneOfMember} is not a public static list of strings.");
}
