using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;

namespace GenApi.Contracts;

/// <summary>A dataset jobs can train on.</summary>
/// <param name="Id">What to pass as a job's <c>dataset</c>: a built-in name or an upload's id.</param>
/// <param name="Name">Display name.</param>
/// <param name="BuiltIn">Shipped with GenApi (true) or uploaded by your team.</param>
/// <param name="Available">Whether it can be used here (built-in data may not be installed).</param>
/// <param name="Problem">Why it is not available, and how to fix that.</param>
/// <param name="ImageSize">Side of its images in pixels; null for sequences.</param>
/// <param name="Channels">1 for grayscale, 3 for RGB; null for sequences.</param>
/// <param name="Classes">Class names (labels 0…n−1); empty for unlabelled data.</param>
/// <param name="Count">Images or sequences (uploads).</param>
/// <param name="CreatedAt">When it was uploaded.</param>
/// <param name="Kind"><c>images</c> (every family; rvae/crvae read them row by row) or <c>sequences</c> (rvae/crvae only).</param>
/// <param name="SequenceLength">Steps per sequence; null for images.</param>
/// <param name="Features">What each step of a sequence holds (column names); null for images.</param>
public sealed record DatasetResponse(string Id, string Name, bool BuiltIn, bool Available, string? Problem, int? ImageSize, int? Channels,
    IReadOnlyList<string> Classes, int? Count, DateTimeOffset? CreatedAt,
    [property: ClosedSet(typeof(DatasetResponse), nameof(DatasetResponse.Kinds))] string Kind = DatasetResponse.Images, int? SequenceLength = null,
    IReadOnlyList<string>? Features = null)
{
    public const string Images = "images";
    public const string Sequences = "sequences";
    public static IReadOnlyList<string> Kinds { get; } = [Images, Sequences];

    public static DatasetResponse From(UploadedDataset d) =>
        Describe(d.Id, d.Name, false, true, null, new DatasetShape(d.Size, d.Channels, d.Classes, d.Sequence), d.Count, d.CreatedAt);

    /// <summary>A dataset of <paramref name="shape"/>: images, or sequences with their length and features.</summary>
    public static DatasetResponse Describe(string id, string name, bool builtIn, bool available, string? problem, DatasetShape shape, int? count,
        DateTimeOffset? createdAt) => shape.Sequence is { } sequence
        ? new(id, name, builtIn, available, problem, null, null, shape.ClassNames.ToList(), count, createdAt, Sequences, shape.Size, sequence.Names)
        : new(id, name, builtIn, available, problem, shape.Size, shape.Channels, shape.ClassNames.ToList(), count, createdAt);
}
