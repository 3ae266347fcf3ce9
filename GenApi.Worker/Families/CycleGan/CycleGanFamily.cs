using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Worker.Families.CycleGan;

/// <summary>CycleGAN (Zhu et al. 2017): unpaired translation between two image domains, here two classes of one dataset.</summary>
public sealed class CycleGanFamily : IModelFamily
{
    public const string Id = "cyclegan";
    public string Name => Id;
    public string Summary => "Unpaired image-to-image translation between two classes of a dataset (Zhu et al. 2017).";
    public bool Conditional => false;
    public FamilyOperations Operations => FamilyOperations.Translate;

    /// <summary>Fréchet distance, KID, precision and recall of A→B translations against real B; the share of translations the
    /// classifier assigns to B (<c>conditionalAccuracy</c>); the cycle reconstruction error (<c>reconstructionError</c>).</summary>
    public IReadOnlyList<string> Metrics { get; } =
    [
        SweepMetric.FrechetDistance, SweepMetric.Kid, SweepMetric.Precision, SweepMetric.Recall, SweepMetric.ConditionalAccuracy,
        SweepMetric.ReconstructionError,
    ];

    public IReadOnlyCollection<string> Fields { get; } =
        [JobFields.OptimizerD, JobFields.DomainA, JobFields.DomainB, .. TrainingFields.Of(SettingGroup.Translation), .. JobFields.ImageShape];

    public string? WhyNot(string field) => field switch
    {
        JobFields.LatentDim => "a translator maps images to images; it has no noise vector",
        JobFields.Loss or JobFields.NCritic or JobFields.GradientPenalty or JobFields.LabelSmoothing or JobFields.InstanceNoise or JobFields.Dropout =>
            "cyclegan trains with its paper's least-squares loss, one D update per step",
        _ => null,
    };

    public (string First, string Second) LossNames => ("D", "G");

    /// <summary>The paper's: Adam 2e-4, β1 0.5; the rate constant for the first half, then linearly to 0; λ = 10, identity 0.5λ, pool 50.
    /// Batches of 16 rather than the paper's 1: tiny images make single-image steps all overhead.</summary>
    public TrainingSettings Defaults { get; } = new()
    {
        BatchSize = 16,
        Schedule = new LearningRateSchedule { Type = LearningRateSchedule.Linear, HoldFraction = 0.5, EndLr = 0 },
        CycleWeight = 10, IdentityWeight = 5, PoolSize = 50,
    };

    public int DefaultLatentDim => 0;
    public int DefaultBaseChannels => 32;

    public IReadOnlyList<string> ModelFiles { get; } =
    [
        CycleGanTrainer.AtoBFile, CycleGanTrainer.BtoAFile, ArtifactLayout.Ema(CycleGanTrainer.AtoBFile), ArtifactLayout.Ema(CycleGanTrainer.BtoAFile),
    ];

    public JobSpec Resolve(JobSpec spec, DatasetShape? data) => spec with
    {
        Domains = new DomainPair(spec.Domains?.A ?? data?.ClassNames.ElementAtOrDefault(0) ?? "", spec.Domains?.B ?? data?.ClassNames.ElementAtOrDefault(1) ?? ""),
    };

    public void Validate(JobSpec spec, DatasetShape? data, FieldErrors e)
    {
        if (data is null || spec.Domains is not { } domains) return;
        if (data.Classes < 2)
        {
            e.Check(false, "dataset", $"cyclegan translates between two classes of a dataset, but '{spec.Dataset}' has no labels (an upload needs folders A/ and B/).");
            return;
        }
        var names = string.Join(", ", data.ClassNames);
        e.Check(domains.A is not null && data.ClassNames.Contains(domains.A), JobFields.DomainA, $"Dataset '{spec.Dataset}' has no class '{domains.A}'; expected one of: {names}.");
        e.Check(domains.B is not null && data.ClassNames.Contains(domains.B), JobFields.DomainB, $"Dataset '{spec.Dataset}' has no class '{domains.B}'; expected one of: {names}.");
        e.Check(domains.A != domains.B, JobFields.DomainB, "domainB must differ from domainA.");
    }

    public ModelConfig Configure(ModelConfig config, JobSpec spec, DatasetShape data)
    {
        var (a, b) = (spec.Domains?.A ?? data.ClassNames.ElementAtOrDefault(0) ?? "", spec.Domains?.B ?? data.ClassNames.ElementAtOrDefault(1) ?? "");
        return config with { LatentDim = 0, Domains = new DomainClasses(a, b, IndexOf(data, a), IndexOf(data, b)) };
    }

    private static int IndexOf(DatasetShape data, string name) =>
        data.ClassNames.ToList().IndexOf(name) is >= 0 and var index ? index : throw new ArgumentException($"The dataset has no class '{name}'.");

    public Trainer CreateTrainer(ModelConfig config, TrainingSettings settings, Device device) => new CycleGanTrainer(this, config, settings, device);

    public nn.Module CreateNetwork(ModelConfig config, string file) => file.StartsWith("generator", StringComparison.Ordinal)
        ? new ResnetTranslator(config)
        : file.StartsWith("discriminator", StringComparison.Ordinal) ? new PatchDiscriminator(config)
        : throw new ArgumentException($"A cyclegan model has no network file '{file}'.");
}
