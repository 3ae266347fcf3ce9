using GenApi.Worker.Contracts;

namespace GenApi.Worker.Families;

/// <summary>
/// The job-request fields (JSON names) that apply to some families only. The names here are the networks' shape and data
/// fields, and the settings that code refers to by name; every other setting is named by its declaration alone
/// (<see cref="TrainingFields"/>). Each family lists the ones it takes
/// (<see cref="IModelFamily.Fields"/>); every other field applies to all families.
/// </summary>
public static class JobFields
{
    public const string OptimizerD = "optimizerD";
    public const string LatentDim = "latentDim";
    public const string Loss = "loss";
    public const string NCritic = "nCritic";
    public const string GradientPenalty = "gradientPenalty";
    public const string LabelSmoothing = "labelSmoothing";
    public const string InstanceNoise = "instanceNoise";
    public const string Dropout = "dropout";
    public const string DomainA = "domainA";
    public const string DomainB = "domainB";
    public const string SpectralNorm = "spectralNorm";
    public const string ImageSize = "imageSize";
    public const string Resize = "resize";
    public const string BaseChannels = "baseChannels";
    public const string HiddenSize = "hiddenSize";
    public const string Layers = "layers";
    public const string Cell = "cell";
    public const string Bidirectional = "bidirectional";
    public const string SequenceLength = "sequenceLength";
    public const string InputDropout = "inputDropout";
    public const string FreezeD = "freezeD";

    /// <summary>What every image family takes: the trained resolution and the networks' width.</summary>
    public static IReadOnlyList<string> ImageShape { get; } = [ImageSize, Resize, BaseChannels];

    /// <summary>Every family-specific field: the networks' shape and data fields named here, then every setting that
    /// <see cref="TrainingSettings"/> declares (<see cref="TrainingFields"/>), which need no name here.</summary>
    public static IReadOnlyList<string> All { get; } =
        [OptimizerD, LatentDim, DomainA, DomainB, ImageSize, Resize, BaseChannels, HiddenSize, Layers, Cell, Bidirectional, SequenceLength,
         InputDropout, .. TrainingFields.All.Select(f => f.Name)];

    /// <summary>Checks each declared setting that <paramref name="family"/> takes against its declaration (bounds, closed sets).</summary>
    public static void CheckValues(IModelFamily family, TrainingSettings settings, FieldErrors errors)
    {
        foreach (var field in TrainingFields.All.Where(f => family.Fields.Contains(f.Name))) field.Check(settings, errors);
    }

    /// <summary>Reports every field in <paramref name="given"/> that <paramref name="family"/> does not take, saying which families do.</summary>
    public static void CheckApplicable(IModelFamily family, IEnumerable<string> given, FieldErrors errors)
    {
        foreach (var field in given.Where(f => !family.Fields.Contains(f)))
        {
            var owners = ModelFamilies.All.Where(f => f.Fields.Contains(field)).Select(f => f.Name);
            errors.Check(false, field, $"{field} does not apply to {family.Name}: {family.WhyNot(field) ?? $"it is for {string.Join(", ", owners)}"}.");
        }
    }
}
