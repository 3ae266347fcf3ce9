using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Contracts;

/// <summary>What a model is and where it comes from, in one document: the Hugging Face model card's facts, machine-readable.</summary>
/// <param name="Id">Model id.</param>
/// <param name="Family">Model family.</param>
/// <param name="Summary">The family, in one sentence.</param>
/// <param name="Architecture">Everything that shapes its networks (what <c>POST /v1/models</c> takes as <c>config</c>).</param>
/// <param name="Networks">The networks its weight files hold, as their state-dict prefixes in <c>weights.safetensors</c> and <c>weights.pt</c>.</param>
/// <param name="Dataset">The data it was trained on; empty for an import that named none.</param>
/// <param name="DataSha256">SHA-256 of that dataset's training split as jobs load it; null when this server does not hold the dataset.</param>
/// <param name="Seed">The training seed; null for an import.</param>
/// <param name="Steps">Training steps behind it (an import's as its file says; 0 when it says nothing).</param>
/// <param name="Settings">The training job's settings, defaults filled in; null for an import or once its job is deleted.</param>
/// <param name="Scores">The latest evaluation of its training job at or before its step, with the real-data floor; or a compressed model's
/// own scores from its report. Null when none was made.</param>
/// <param name="Lineage">Where it comes from.</param>
/// <param name="GenApiVersion">The server version that wrote this card.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record ModelCardResponse(
    string Id, [property: ClosedSet(typeof(ModelFamilies), nameof(ModelFamilies.Names))] string Family, string Summary, ModelArchitectureResponse Architecture,
    IReadOnlyList<string> Networks, string Dataset, string? DataSha256, long? Seed, int Steps, HyperparametersResponse? Settings, ScoresResponse? Scores,
    ModelLineageResponse Lineage, string GenApiVersion, DateTimeOffset CreatedAt);

/// <summary>The shape of a model's networks.</summary>
/// <param name="Family">Model family.</param>
/// <param name="ImageSize">Side of its images (a sequence model: the sequence length).</param>
/// <param name="Channels">1 or 3.</param>
/// <param name="LatentDim">Length of z (0 for translators).</param>
/// <param name="BaseChannels">Network width.</param>
/// <param name="Classes">Classes of a conditional model; 0 otherwise.</param>
/// <param name="Ema">Whether it keeps an EMA generator.</param>
/// <param name="Domains">A translator's two domains.</param>
/// <param name="Recurrent">A sequence model's recurrent networks.</param>
/// <param name="EncoderBaseChannels">A VAE encoder's width where it differs from <c>baseChannels</c>.</param>
public sealed record ModelArchitectureResponse(
    [property: ClosedSet(typeof(ModelFamilies), nameof(ModelFamilies.Names))] string Family, int ImageSize, int Channels, int LatentDim, int BaseChannels,
    int Classes, bool Ema, DomainClasses? Domains, RecurrentShape? Recurrent, int? EncoderBaseChannels)
{
    public static ModelArchitectureResponse From(ModelConfig c) =>
        new(c.Family, c.ImageSize, c.Channels, c.LatentDim, c.BaseChannels, c.Classes, c.Ema, c.Domains, c.Recurrent, c.EncoderBaseChannels);
}

/// <summary>Where a model comes from.</summary>
/// <param name="Kind">trained (by a job of this server), compressed, fine-tuned (a job that started from another model) or imported.</param>
/// <param name="JobId">The job that made it; null for an import.</param>
/// <param name="ParentModelId">The model it was compressed or fine-tuned from.</param>
/// <param name="Sha256">An import: SHA-256 of the uploaded file.</param>
/// <param name="FileName">An import: the uploaded file's name.</param>
/// <param name="Reinitialized">A fine-tuned model: parameters that did not fit the parent and started fresh.</param>
/// <param name="FreezeD">A fine-tuned model: the discriminator's first blocks kept frozen.</param>
/// <param name="ParentCheckpoint">A fine-tuned model: the checkpoint (<c>{jobId}/checkpoints/{step}</c>) it started from, the
/// parent model's own when its job kept it (it holds the discriminator).</param>
public sealed record ModelLineageResponse(
    [property: ClosedSet(typeof(ModelLineageResponse), "Kinds")] string Kind, string? JobId, string? ParentModelId, string? Sha256, string? FileName,
    IReadOnlyList<string>? Reinitialized, int? FreezeD, string? ParentCheckpoint)
{
    public const string Trained = "trained";
    public const string Compressed = "compressed";
    public static IReadOnlyList<string> Kinds { get; } = [Trained, Compressed, ModelOrigin.FineTuned, ModelOrigin.Imported];

    public static ModelLineageResponse From(ModelRecord model) => new(
        model.Origin?.Kind ?? (model.Lineage is null ? Trained : Compressed), model.HasJob ? model.JobId : null,
        model.Origin?.ParentModelId ?? model.Lineage?.ParentModelId, model.Origin?.Sha256, model.Origin?.FileName, model.Origin?.Reinitialized,
        model.Origin?.FreezeD, model.Origin?.ParentCheckpoint);
}
