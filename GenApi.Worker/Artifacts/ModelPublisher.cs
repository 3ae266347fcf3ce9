using System.Collections.Concurrent;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.Options;

namespace GenApi.Worker.Artifacts;

/// <summary>
/// Turns trained weights (end of training, a promoted checkpoint, a compression) into a stored, sampleable model: the one
/// place models are made, so the one place the team's model quotas (<see cref="ModelQuotaOptions"/>) are enforced.
/// </summary>
public sealed class ModelPublisher(IModelCatalog store, ArtifactPaths paths, IOptions<ModelQuotaOptions> quotas, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    /// <param name="writeFiles">Writes the model's files (generator, EMA generator, encoder) into the folder it is given.</param>
    /// <param name="lineage">A compressed model's parent and report.</param>
    /// <param name="id">The model's id when it is derived from what it is (a promoted checkpoint's); a new one otherwise.</param>
    /// <param name="origin">A fine-tuned model's parent.</param>
    /// <exception cref="ModelQuotaExceededException">The team holds its share of models or model bytes; nothing is stored.</exception>
    public async Task<ModelRecord> PublishAsync(JobRecord job, ModelConfig config, int steps, Action<string> writeFiles, ModelLineage? lineage = null,
        string? id = null, CancellationToken cancellation = default, ModelOrigin? origin = null)
    {
        var model = new ModelRecord
        {
            Id = id ?? ModelRecord.NewId(), Team = job.Team, JobId = job.Id, Family = job.Spec.Model, Dataset = job.Spec.Dataset,
            Config = config, Steps = steps, CreatedAt = time.GetUtcNow(), Lineage = lineage, Origin = origin,
        };
        return await PublishAsync(model, writeFiles, cancellation);
    }

    /// <summary>Stores <paramref name="model"/> (its team, family, config and source as given; <c>CreatedAt</c> is now) with the files
    /// <paramref name="writeFiles"/> writes: the path of models that no job of this server trained (imports).</summary>
    /// <exception cref="ModelQuotaExceededException">The team holds its share of models or model bytes; nothing is stored.</exception>
    public async Task<ModelRecord> PublishAsync(ModelRecord model, Action<string> writeFiles, CancellationToken cancellation = default)
    {
        model = model with { CreatedAt = time.GetUtcNow() };
        // One publication per team at a time: two cannot both take the last of the quota.
        var turn = _turns.GetOrAdd(model.Team, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellation);
        try
        {
            var o = quotas.Value;
            var then = model.HasJob ? ", then promote a checkpoint of this job" : "";
            var held = await store.ListModelsAsync(model.Team, null, int.MaxValue, cancellation);
            if (held.Count >= o.ModelsPerTeam)
                throw new ModelQuotaExceededException($"your team keeps {o.ModelsPerTeam} models (Quotas:ModelsPerTeam): delete some{then}.");
            var bytes = held.Sum(m => FolderBytes(paths.ModelDirectory(m.Id)));
            Directory.CreateDirectory(Path.GetDirectoryName(paths.ModelDirectory(model.Id))!);
            AtomicFile.WriteDirectory(paths.ModelDirectory(model.Id), writeFiles);
            if (bytes + FolderBytes(paths.ModelDirectory(model.Id)) > o.ModelBytesPerTeam)
            {
                paths.DeleteModel(model.Id);
                throw new ModelQuotaExceededException(
                    $"your team's models would take more than {o.ModelBytesPerTeam:N0} bytes (Quotas:ModelBytesPerTeam; {bytes:N0} now): delete some{then}.");
            }
            await store.CreateModelAsync(model, cancellation);
            return model;
        }
        finally
        {
            turn.Release();
        }
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
