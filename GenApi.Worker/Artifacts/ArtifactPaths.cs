namespace GenApi.Worker.Artifacts;

/// <summary>The layout of the data directory; the one place that knows file names.</summary>
public sealed class ArtifactPaths(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Database => Path.Combine(Root, "genapi.db");

    public string JobDirectory(string jobId) => Path.Combine(Root, "jobs", jobId);

    public string JobCheckpoints(string jobId) => Path.Combine(JobDirectory(jobId), "checkpoints");

    public string JobSamples(string jobId) => Path.Combine(JobDirectory(jobId), "samples.png");

    /// <summary>A fine-tuning job's parameters that did not fit its source (JSON list), for its model's lineage.</summary>
    public string JobReinitialized(string jobId) => Path.Combine(JobDirectory(jobId), "reinitialized.json");

    /// <summary>The model files of a <c>keepBest</c> job's best-scoring checkpoint so far, with <see cref="BestStepFile"/>.</summary>
    public string JobBestModel(string jobId) => Path.Combine(JobDirectory(jobId), "best");

    public const string BestStepFile = "step";

    public string ModelDirectory(string modelId) => Path.Combine(Root, "models", modelId);

    public string ModelFile(string modelId, string file) => Path.Combine(ModelDirectory(modelId), file);

    public string Datasets => Path.Combine(Root, "datasets");

    /// <summary>Removes a job's folder (checkpoints, progress grid, kept weights) if it is there: the one place that deletes it.</summary>
    public void DeleteJob(string jobId) => DeleteFolder(JobDirectory(jobId));

    /// <summary>Removes a published model's folder if it is there: the one place that deletes it.</summary>
    public void DeleteModel(string modelId) => DeleteFolder(ModelDirectory(modelId));

    /// <summary>The job's latest progress grid (PNG), or null before its first.</summary>
    public async Task<byte[]?> ReadJobSamplesAsync(string jobId, CancellationToken cancellation) =>
        File.Exists(JobSamples(jobId)) ? await File.ReadAllBytesAsync(JobSamples(jobId), cancellation) : null;

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    public string Dataset(string datasetId) => Path.Combine(Datasets, datasetId);
}
