using GenApi.Worker.Contracts;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Worker.Families;

/// <summary>
/// Everything the engine and the API know about one model family: its networks, defaults, which job fields apply and
/// how they are checked, its trainer, what a published model holds, what it can be asked to do and what is scored.
/// A new family is one implementation of this, listed in <see cref="ModelFamilies"/>.
/// </summary>
public interface IModelFamily : IFamilyNetworks
{
    /// <summary>The <c>model</c> value of a job request.</summary>
    string Name { get; }

    /// <summary>One sentence for the API document.</summary>
    string Summary { get; }

    /// <summary>Whether it trains on labels and samples per class (needs a labelled dataset).</summary>
    bool Conditional { get; }

    /// <summary>Whether it models sequences (and reads an image dataset row by row) rather than images.</summary>
    bool Sequences => false;

    /// <summary>What a published model can be asked for.</summary>
    FamilyOperations Operations { get; }

    /// <summary>The evaluation scores it produces (<see cref="SweepMetric.Names"/>), so sweeps can rank by them.</summary>
    IReadOnlyList<string> Metrics { get; }

    /// <summary>The family-specific job fields (of <see cref="JobFields.All"/>) it takes; the others are a 400 for it.</summary>
    IReadOnlyCollection<string> Fields { get; }

    /// <summary>Why <paramref name="field"/> (not in <see cref="Fields"/>) does not apply, when there is more to say than which families it is for.</summary>
    string? WhyNot(string field) => null;

    /// <summary>The defaults of every training setting, as the family's paper uses them.</summary>
    TrainingSettings Defaults { get; }

    /// <summary>The presets a job may name (<see cref="TrainingPresets"/>): <c>paper</c> is <see cref="Defaults"/>.</summary>
    IReadOnlyDictionary<string, TrainingSettings> Presets => new Dictionary<string, TrainingSettings> { [TrainingPresets.Paper] = Defaults };

    int DefaultLatentDim { get; }

    int DefaultBaseChannels => 64;

    /// <summary>Fills in the family's defaults that depend on the data (e.g. a translator's domains: the dataset's first two classes).</summary>
    JobSpec Resolve(JobSpec spec, DatasetShape? data) => spec;

    /// <summary>Checks what can only be checked knowing the family: combinations of settings, what the data must have.</summary>
    void Validate(JobSpec spec, DatasetShape? data, FieldErrors errors);

    /// <summary>The family-specific parts of a job's model config (e.g. a translator's domains as class indexes).</summary>
    ModelConfig Configure(ModelConfig config, JobSpec spec, DatasetShape data) => config;

    Trainer CreateTrainer(ModelConfig config, TrainingSettings settings, Device device);

}
