using GenApi.Worker.Contracts;
using GenApi.Worker.Families.Adversarial;
using GenApi.Worker.Families.CycleGan;
using GenApi.Worker.Families.Recurrent;
using GenApi.Worker.Families.Variational;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Worker.Families;

/// <summary>The registry: every model family GenApi trains, one line each. Immutable; the API reads it for validation and docs.</summary>
public static class ModelFamilies
{
    public static IReadOnlyList<IModelFamily> All { get; } =
    [
        new GanFamily(),
        new DcganFamily(),
        new CdcganFamily(),
        new WganGpFamily(),
        new VaeFamily(),
        new CvaeFamily(),
        new CycleGanFamily(),
        new RvaeFamily(),
        new CrvaeFamily(),
    ];

    /// <summary>The family names, in registry order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(f => f.Name).ToList();

    /// <summary>The family called <paramref name="name"/>, or null.</summary>
    public static IModelFamily? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>The family called <paramref name="name"/>; throws for a name no job or model can carry.</summary>
    public static IModelFamily Get(string name) => Find(name) ?? throw new ArgumentException($"Unknown model family '{name}'.");

    /// <summary>Builds the trainer of <paramref name="config"/>'s family.</summary>
    public static Trainer CreateTrainer(ModelConfig config, TrainingSettings settings, Device device) =>
        Get(config.Family).CreateTrainer(config, settings, device);

    /// <summary>The names of the families that support <paramref name="operation"/>.</summary>
    public static string Supporting(FamilyOperations operation) =>
        string.Join(", ", All.Where(f => f.Operations.HasFlag(operation)).Select(f => f.Name));
}
