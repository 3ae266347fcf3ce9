using GenApi.Worker.Models;
using GenApi.Worker.Storage;

namespace GenApi.Worker.Jobs;

/// <summary>Turns trained weights (end of training, or a promoted checkpoint) into a stored, sampleable model.</summary>
public sealed class ModelPublisher(IJobStore store, ArtifactPaths paths, TimeProvider time)
{
    /// <param name="writeFiles">Writes the model's files (generator, EMA generator, encoder) into the folder it is given.</param>
    /// <param name="lineage">A compressed model's parent and report.</param>
    public async Task<ModelRecord> PublishAsync(JobRecord job, ModelConfig config, int steps, Action<string> writeFiles, Compression.ModelLineage? lineage = null,
        CancellationToken cancellation = default)
    {
        var model = new ModelRecord
        {
            Id = ModelRecord.NewId(), Team = job.Team, JobId = job.Id, Family = job.Spec.Model, Dataset = job.Spec.Dataset,
            Config = config, Steps = steps, CreatedAt = time.GetUtcNow(), Lineage = lineage,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(paths.ModelDirectory(model.Id))!);
        AtomicFile.WriteDirectory(paths.ModelDirectory(model.Id), writeFiles);
        await store.CreateModelAsync(model, cancellation);
        return model;
    }
}
