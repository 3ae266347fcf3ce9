using Microsoft.Extensions.Hosting;

namespace GenApi.Worker.Storage;

/// <summary>Brings the job store's schema up to date before anything else starts.</summary>
public sealed class StoreMigrator(SqlJobStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
