using GenApi.Worker.Datasets;

namespace GenApi.Contracts;

/// <summary>A dataset jobs can train on.</summary>
/// <param name="Id">What to pass as a job's <c>dataset</c>: a built-in name or an upload's id.</param>
/// <param name="Name">Display name.</param>
/// <param name="BuiltIn">Shipped with GenApi (true) or uploaded by your team.</param>
/// <param name="Available">Whether it can be used here (built-in data may not be installed).</param>
/// <param name="Problem">Why it is not available, and how to fix that.</param>
/// <param name="ImageSize">Side of its images in pixels.</param>
/// <param name="Channels">1 for grayscale, 3 for RGB.</param>
/// <param name="Classes">Class names (labels 0…n−1); empty for unlabelled data.</param>
/// <param name="Count">Images (uploads).</param>
/// <param name="CreatedAt">When it was uploaded.</param>
public sealed record DatasetResponse(string Id, string Name, bool BuiltIn, bool Available, string? Problem, int? ImageSize, int? Channels,
    IReadOnlyList<string> Classes, int? Count, DateTimeOffset? CreatedAt)
{
    public static DatasetResponse From(UploadedDataset d) => new(d.Id, d.Name, false, true, null, d.Size, d.Channels, d.Classes, d.Count, d.CreatedAt);
}
