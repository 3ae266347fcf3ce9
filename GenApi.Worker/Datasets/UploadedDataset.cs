namespace GenApi.Worker.Datasets;

/// <summary>A dataset a team uploaded: images stored once, centre-cropped and resized to <see cref="Size"/>.</summary>
/// <param name="Classes">Class names (the zip's folder names), index = label; empty when the images are unlabelled.</param>
public sealed record UploadedDataset(
    string Id, string Team, string Name, int Count, int Size, int Channels, IReadOnlyList<string> Classes, DateTimeOffset CreatedAt)
{
    public static string NewId() => $"dataset_{Guid.NewGuid():N}";
}
