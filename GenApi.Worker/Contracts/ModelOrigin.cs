namespace GenApi.Worker.Contracts;

/// <summary>Where a model that no training job of this server made from scratch comes from: an imported file, or a
/// fine-tuning run that started from another model's weights.</summary>
/// <param name="Kind"><see cref="Imported"/> or <see cref="FineTuned"/>.</param>
/// <param name="ParentModelId">A fine-tuned model: the model whose weights it started from.</param>
/// <param name="Sha256">An imported model: the SHA-256 of the uploaded file.</param>
/// <param name="FileName">An imported model: the uploaded file's name, as the client sent it.</param>
/// <param name="Reinitialized">A fine-tuned model: the parameters that did not fit the parent (a different class count's label
/// layers) and started fresh.</param>
/// <param name="FreezeD">A fine-tuned model: how many of the discriminator's first blocks were frozen.</param>
/// <param name="ParentCheckpoint">A fine-tuned model: the checkpoint (<c>{jobId}/checkpoints/{step}</c>) whose weights it started
/// from, the one behind <paramref name="ParentModelId"/> when that model's job kept it (its discriminator).</param>
public sealed record ModelOrigin(string Kind, string? ParentModelId = null, string? Sha256 = null, string? FileName = null,
    IReadOnlyList<string>? Reinitialized = null, int? FreezeD = null, string? ParentCheckpoint = null)
{
    public const string Imported = "imported";
    public const string FineTuned = "fine-tuned";
}
