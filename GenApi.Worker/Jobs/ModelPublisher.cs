using GenApi.Worker.Models;
using GenApi.Worker.Storage;

namespace GenApi.Worker.Jobs;

/// <summary>Turns generator weights (end of training, or a promoted checkpoint) into a stored, sampleable model.</summary>
public sealed class ModelPublisher(IJobStore store, ArtifactPaths paths, TimeProvider time)
{
    /// <param name="writeWeights">Writes the generator's weights to the path it is given.</param>
    public async Task<ModelRecord> PublishAsync(JobRecord job, DcganConfig config, int steps, Action<string> writeWeights, CancellationToken cancellation = default)
    {
        var model = new ModelRecord
        {
            Id = ModelRecord.NewId(), Team = job.Team, JobId = job.Id, Family = job.Spec.Model, Dataset = job.Spec.Dataset,
            Config = config, Steps = steps, CreatedAt = time.GetUtcNow(),
        };
        var weights = paths.ModelGenerator(model.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        var temp = weights + ".tmp";
        writeWeights(temp);
        File.Move(temp, weights, overwrite: true);
        await store.CreateModelAsync(model, cancellation);
        return model;
    }
}
