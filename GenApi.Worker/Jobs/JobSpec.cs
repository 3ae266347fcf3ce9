using GenApi.Worker.Models;
using GenApi.Worker.Training;

namespace GenApi.Worker.Jobs;

/// <summary>What a job trains, as the engine understands it (the HTTP request is mapped onto this).</summary>
public sealed record JobSpec
{
    public const string Dcgan = "dcgan";
    public static IReadOnlyList<string> ModelFamilies { get; } = [Dcgan];

    public string Model { get; init; } = Dcgan;
    public required string Dataset { get; init; }
    public int LatentDim { get; init; } = 100;
    public int BaseChannels { get; init; } = 64;
    /// <summary>Score sample quality at every checkpoint.</summary>
    public bool Evaluate { get; init; }
    public TrainingSettings Training { get; init; } = new();

    public DcganConfig ModelConfig(int imageSize, int channels) => new(imageSize, channels, LatentDim, BaseChannels);
}
