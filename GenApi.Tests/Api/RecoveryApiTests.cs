using GenApi.Contracts;
using GenApi.Tests.Training;
using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace GenApi.Tests.Api;

/// <summary>
/// A kernel that returns a NaN gradient now and then, seen through the API: the job still succeeds with the bytes of a clean
/// run, counts what it recovered and says so once; a fault that does not go away fails the job with words that say which it was.
/// </summary>
public sealed class RecoveryApiTests : SingleThreadedKernels
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // One intra-op thread: the byte comparison must not depend on libtorch's two-thread reductions (see SingleThreadedKernels).
    private static readonly Dictionary<string, string> OneThread = new() { ["Worker:Threads"] = "1" };

    private static object Job(long seed) => GenApiFactory.TinyJob(steps: 12, seed: seed);

    private static async Task<(JobResponse Job, byte[] JobGrid, byte[] ModelGrid, List<JobEventResponse> Events)> TrainAsync(
        IGradientFaults? faults, params long[] seeds)
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: OneThread,
            services: faults is null ? null : s => s.AddSingleton(faults));
        var client = app.CreateClient();
        (JobResponse, byte[], byte[], List<JobEventResponse>) last = default;
        // Several jobs in one process: the guard's state must not leak from one job into the next.
        foreach (var seed in seeds)
        {
            var job = await app.PostJobAsync(client, Job(seed));
            var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, Patience);
            Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status}: {done.Error}");
            last = (done, await client.GetByteArrayAsync($"/v1/jobs/{done.Id}/samples.png"),
                await client.GetByteArrayAsync($"/v1/models/{done.ModelId}/samples.png?count=16&seed=5"),
                await GenApiFactory.EventsAsync(client, done.Id));
        }
        return last;
    }

    [Fact]
    public async Task InjectedNaNGradients_AreRecovered_TheJobSucceedsWithTheBytesOfACleanRun_AndSaysSoOnce()
    {
        var clean = await TrainAsync(null, 4);
        // The same sites fire in each of the two jobs (they name a network and a step, not a job).
        var faults = new InjectedFaults(("D", 3), ("G", 5), ("D", 9));
        var injected = await TrainAsync(faults, 4, 4);

        Assert.Equal(6, faults.Injected);
        // On a host with the kernel fault either run may also recover updates of its own.
        Assert.True(injected.Job.Progress.RecoveredUpdates >= 3, $"{injected.Job.Progress.RecoveredUpdates} recovered updates");
        Assert.Equal(clean.Job.LossD, injected.Job.LossD);
        Assert.Equal(clean.Job.LossG, injected.Job.LossG);
        Assert.Equal(clean.JobGrid, injected.JobGrid);
        Assert.Equal(clean.ModelGrid, injected.ModelGrid);

        var warnings = injected.Events.Where(e => e.Kind == "warning" && e.Message.Contains("recomputed from the same inputs")).ToList();
        Assert.Single(warnings);
        Assert.Contains("progress.recoveredUpdates", warnings[0].Message);
    }

    [Fact]
    public async Task APersistentNaNGradient_FailsTheJob_WithWordsThatSayItWasNotTransient()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: OneThread,
            services: s => s.AddSingleton<IGradientFaults>(new InjectedFaults(("G", 4)) { Persistent = true }));
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, Job(4));
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, Patience);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Contains("gradients of G at step 4 stayed non-finite through 3 recomputations", done.Error);
        Assert.Contains("not a transient kernel fault", done.Error);
    }
}
