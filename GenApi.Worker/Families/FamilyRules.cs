using GenApi.Worker.Contracts;

namespace GenApi.Worker.Families;

/// <summary>What contract records need from the registry: the records sit below the families, so the registry hands what
/// it knows down to them here.</summary>
public static class FamilyRules
{
    /// <summary>What <paramref name="family"/> can do, as the contracts' checks take it.</summary>
    public static FamilyTraits Traits(string family)
    {
        var f = ModelFamilies.Get(family);
        return new(f.Operations, f.Sequences, ModelFamilies.Supporting(FamilyOperations.Sample));
    }

    /// <summary>The network files a published model of <paramref name="family"/> holds (a subset of a checkpoint's).</summary>
    public static IReadOnlyList<string> ModelFiles(string family) => ModelFamilies.Get(family).ModelFiles;

    /// <summary>The config of the model this job trains on data of <paramref name="data"/>'s shape.</summary>
    public static ModelConfig ModelConfig(this JobSpec spec, DatasetShape data, int imageSize)
    {
        var family = ModelFamilies.Get(spec.Model);
        var config = new ModelConfig(imageSize, data.Channels, spec.LatentDim, spec.BaseChannels, spec.Model, family.Conditional ? data.Classes : 0,
            spec.Training.EmaDecay > 0);
        return family.Configure(config, spec, data);
    }
}
