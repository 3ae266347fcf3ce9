using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Contracts;

/// <summary>A model family as the registry describes it: what it does, which job fields it takes, and its presets' values.</summary>
/// <param name="Name">The <c>model</c> value of a job request.</param>
/// <param name="Summary">One sentence on its networks and paper.</param>
/// <param name="Conditional">It trains on labels (it needs a labelled dataset) and samples per class.</param>
/// <param name="Sequences">It models sequences (reading an image dataset row by row) rather than images.</param>
/// <param name="Operations">What its published models can be asked for: <c>sample</c>, <c>reconstruct</c>, <c>translate</c>.</param>
/// <param name="Metrics">The scores its evaluation produces, by which sweeps can rank its trials.</param>
/// <param name="Fields">The family-specific job fields it takes; the other family-specific fields are a 400 for it. The fields that
/// apply to every family (steps, batchSize, optimizerG, schedule, l1, l2, clipGradNorm, accumulateSteps, emaDecay…) are not listed.</param>
/// <param name="Presets">Each <c>preset</c> it has, as the settings a job that sets nothing else resolves to (<c>seed</c> is drawn
/// per job unless set; <c>imageSize</c> is the dataset's).</param>
public sealed record FamilyResponse(
    string Name, string Summary, bool Conditional, bool Sequences,
    [property: ClosedSet(typeof(FamilyResponse), nameof(FamilyResponse.OperationNames))] IReadOnlyList<string> Operations,
    [property: ClosedSet(typeof(SweepMetric), nameof(SweepMetric.Names))] IReadOnlyList<string> Metrics,
    IReadOnlyList<FamilyFieldResponse> Fields, IReadOnlyDictionary<string, HyperparametersResponse> Presets)
{
    /// <summary>The operations' names, in the order of <see cref="FamilyOperations"/>.</summary>
    public static IReadOnlyList<string> OperationNames { get; } =
        [.. Enum.GetValues<FamilyOperations>().Where(o => o != FamilyOperations.None).Select(o => o.ToString().ToLowerInvariant())];

    public static FamilyResponse From(IModelFamily family) => new(
        family.Name, family.Summary, family.Conditional, family.Sequences,
        [.. Enum.GetValues<FamilyOperations>().Where(o => o != FamilyOperations.None && family.Operations.HasFlag(o)).Select(o => o.ToString().ToLowerInvariant())],
        family.Metrics, [.. family.Fields.Select(FamilyFieldResponse.From)],
        family.Presets.ToDictionary(p => p.Key, p => HyperparametersResponse.From(new JobSpec
        {
            Model = family.Name, Dataset = "", Preset = p.Key, Training = p.Value, LatentDim = family.DefaultLatentDim, BaseChannels = family.DefaultBaseChannels,
        })));
}

/// <summary>A family-specific job field: what it may take, as its declaration says (the job's 400s check the same).</summary>
/// <param name="Name">The job request's (and resolved settings') field.</param>
/// <param name="Group">The kind of setting (<c>adversarial</c>, <c>variational</c>, <c>translation</c>); null for the networks' shape
/// and data fields (latentDim, imageSize, domains, recurrent shape…).</param>
/// <param name="Minimum">Smallest value; null where it has no declared bounds.</param>
/// <param name="Maximum">Largest value (excluded when <paramref name="MaximumExclusive"/>); null where it has no declared bounds.</param>
/// <param name="MaximumExclusive">Whether <paramref name="Maximum"/> itself is refused.</param>
/// <param name="Values">The values it takes (for a list, each at most once); null for a number or a flag.</param>
/// <param name="ResumeKeeps">It shapes the networks or their state: a resumed job keeps its checkpoint's value and refuses another.</param>
public sealed record FamilyFieldResponse(string Name, string? Group, double? Minimum, double? Maximum, bool MaximumExclusive, IReadOnlyList<string>? Values, bool ResumeKeeps)
{
    public static FamilyFieldResponse From(string field) => TrainingFields.Find(field) is { Declared: var d }
        ? new(field, d.Group.ToString().ToLowerInvariant(), double.IsNaN(d.Min) ? null : d.Min, double.IsNaN(d.Max) ? null : d.Max, d.MaxExclusive, d.Values, d.Architectural)
        : new(field, null, null, null, false, null, false);
}
