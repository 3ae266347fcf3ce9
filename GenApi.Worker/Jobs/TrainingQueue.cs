using Hangfire;

namespace GenApi.Worker.Jobs;

/// <summary>Puts a stored job on Hangfire's <c>training</c> queue.</summary>
public sealed class TrainingQueue(IBackgroundJobClient client)
{
    public const string Name = "training";

    public string Enqueue(string jobId) => client.Enqueue<TrainingJob>(Name, job => job.RunAsync(jobId, CancellationToken.None));
}
