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

    public string Dataset(string datasetId) => Path.Combine(Datasets, datasetId);
}
