using GenApi.Worker.Jobs;

namespace GenApi.Contracts;

/// <summary>A trained generator.</summary>
/// <param name="Id">Model id, e.g. <c>model_8c1d…</c>.</param>
/// <param name="Family">Model family, e.g. <c>dcgan</c>.</param>
/// <param name="Dataset">Dataset it was trained on.</param>
/// <param name="ImageSize">Side of the square images it generates, in pixels.</param>
/// <param name="Channels">1 for grayscale, 3 for RGB.</param>
/// <param name="LatentDim">Length of its noise vector.</param>
/// <param name="Steps">Training steps behind it.</param>
/// <param name="JobId">The job that trained it.</param>
/// <param name="CreatedAt">When training finished.</param>
public sealed record ModelResponse(
    string Id, string Family, string Dataset, int ImageSize, int Channels, int LatentDim, int Steps, string JobId, DateTimeOffset CreatedAt)
{
    public static ModelResponse From(ModelRecord model) => new(
        model.Id, model.Family, model.Dataset, model.Config.ImageSize, model.Config.Channels, model.Config.LatentDim,
        model.Steps, model.JobId, model.CreatedAt);
}
