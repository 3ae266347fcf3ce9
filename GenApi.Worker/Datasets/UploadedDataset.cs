using GenApi.Worker.Contracts;

namespace GenApi.Worker.Datasets;

/// <summary>A dataset a team uploaded: images stored once, centre-cropped and resized to <see cref="Size"/>; or sequences
/// (<see cref="Sequence"/> set) of <see cref="Size"/> steps from a CSV, stored in their own units.</summary>
/// <param name="Classes">Class names (the zip's folder names, or the CSV's labels), index = label; empty when unlabelled.</param>
public sealed record UploadedDataset(
    string Id, string Team, string Name, int Count, int Size, int Channels, IReadOnlyList<string> Classes, DateTimeOffset CreatedAt,
    SequenceValues? Sequence = null)
{
    public static string NewId() => $"dataset_{Guid.NewGuid():N}";
}
