using GenApi.Worker.Hosting;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GenApi.Worker;

/// <summary>The worker process: a Hangfire server on queue <c>training</c>, one job per device, for distributed mode.</summary>
public static class WorkerProgram
{
    public static int Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (!storage.IsDistributed)
        {
            // The embedded store and in-memory queue belong to the API's own in-process training server.
            Console.Error.WriteLine(
                "GenApi.Worker serves distributed mode: set Storage:Provider=postgres and Storage:ConnectionString " +
                "(the same as the API's). In embedded mode the API trains in-process: run 'dotnet run --project GenApi'.");
            return 2;
        }
        builder.AddTrainingEngine();
        builder.Services.AddTrainingQueue(builder.Configuration);
        var worker = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        builder.Services.AddTrainingServer(worker.WorkerCount);
        builder.Build().Run();
        return 0;
    }
}
