using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Contracts;

/// <summary>A trained generator.</summary>
/// <param name="Id">Model id, e.g. <c>model_8c1d…</c>.</param>
/// <param name="Family">Model family, e.g. <c>dcgan</c>.</param>
/// <param name="Dataset">Dataset it was trained on.</param>
/// <param name="ImageSize">Side of the square images it generates, in pixels; null for a model of sequence data.</param>
/// <param name="Channels">1 for grayscale, 3 for RGB; null for a model of sequence data.</param>
/// <param name="LatentDim">Length of its noise vector.</param>
/// <param name="Steps">Training steps behind it.</param>
/// <param name="JobId">The job that trained it; null for an imported model.</param>
/// <param name="CreatedAt">When training finished (or the checkpoint was promoted).</param>
/// <param name="Classes">Classes it can be sampled for (<c>label</c>); null for unconditional models.</param>
/// <param name="Ema">Whether it keeps an EMA generator (sampled by default; <c>ema=false</c> samples the raw weights).</param>
/// <param name="Reconstructs">Whether it has an encoder: <c>POST /v1/models/{id}/reconstruct</c> (VAEs).</param>
/// <param name="Translates">Whether it translates between two domains: <c>POST /v1/models/{id}/translate</c> and <c>translations.png</c> (cyclegan).</param>
/// <param name="DomainA">Translation models: the class of the dataset that is domain A; null otherwise.</param>
/// <param name="DomainB">Translation models: the class of the dataset that is domain B; null otherwise.</param>
/// <param name="SequenceLength">Sequence models (rvae, crvae): steps of the sequences it generates (an image's rows when trained on
/// images); null otherwise.</param>
/// <param name="Features">Sequence models: what each step holds (<c>samples.csv</c>'s columns); null otherwise.</param>
/// <param name="ParentModelId">The model it was made from: compressed from (<c>POST /v1/models/{id}/compress</c>) or fine-tuned from
/// (a job's <c>initFrom</c>); null for one trained from scratch or imported. <c>GET /v1/models/{id}/card</c> says how.</param>
/// <param name="Compression">A compressed model: how it was made, defaults filled in.</param>
/// <param name="CompressionReport">A compressed model: size, speed, fidelity and quality against its parent, measured when it was made.</param>
/// <param name="Metrics">Training losses at its step (in <c>GET /v1/models/{id}</c>; null in lists or once the job is deleted).</param>
public sealed record ModelResponse(
    string Id, [property: ClosedSet(typeof(ModelFamilies), nameof(ModelFamilies.Names))] string Family, string Dataset, int? ImageSize, int? Channels, int LatentDim, int Steps, string? JobId, DateTimeOffset CreatedAt,
    int? Classes, bool Ema, bool Reconstructs, ModelMetricsResponse? Metrics, bool Translates = false, string? DomainA = null, string? DomainB = null,
    int? SequenceLength = null, IReadOnlyList<string>? Features = null, string? ParentModelId = null, CompressionResponse? Compression = null,
    CompressionReportResponse? CompressionReport = null)
{
    public static ModelResponse From(ModelRecord model) => From(model, null);

    public static ModelResponse From(ModelRecord model, ModelMetricsResponse? metrics)
    {
        var (config, operations) = (model.Config, ModelFamilies.Get(model.Family).Operations);
        var images = config.Recurrent?.Values is null;
        return new(model.Id, model.Family, model.Dataset, images ? config.ImageSize : null, images ? config.Channels : null, config.LatentDim,
            model.Steps, model.HasJob ? model.JobId : null, model.CreatedAt, config.Conditional ? config.Classes : null, config.Ema,
            operations.HasFlag(FamilyOperations.Reconstruct), metrics, operations.HasFlag(FamilyOperations.Translate),
            config.Domains?.A, config.Domains?.B, config.Recurrent is null ? null : config.ImageSize,
            config.Recurrent is null ? null : Worker.Rendering.ModelSampler.UnitsOf(config).Names, model.Lineage?.ParentModelId ?? model.Origin?.ParentModelId,
            model.Lineage is { } lineage ? CompressionResponse.From(lineage.Compression) : null,
            model.Lineage is { } made ? CompressionReportResponse.From(made.Report) : null);
    }
}

/// <summary>How training stood when the model's weights were taken.</summary>
/// <param name="Step">Step of the latest progress report at or before the model's step.</param>
/// <param name="LossD">Discriminator loss there (VAEs: the KL term).</param>
/// <param name="LossG">Generator loss there (VAEs: the negative ELBO per image).</param>
public sealed record ModelMetricsResponse(int Step, double LossD, double LossG);
