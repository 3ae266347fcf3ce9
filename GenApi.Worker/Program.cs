using GenApi.Worker.Hosting;
using Microsoft.Extensions.Hosting;

namespace GenApi.Worker;

/// <summary>The standalone worker process: a Hangfire server on queue <c>training</c>, one job per device.</summary>
public static class WorkerProgram
{
    public static int Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddTrainingEngine();
        // A separate worker needs a queue that other processes share (PostgreSQL, distributed mode), which this
        // build does not have yet; the embedded store and in-memory queue belong to the API's own training server.
        Console.Error.WriteLine(
            "GenApi.Worker needs distributed-mode storage, which is not built yet. " +
            "In embedded mode the API trains in-process: run 'dotnet run --project GenApi'.");
        return 2;
    }
}
