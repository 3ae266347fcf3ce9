using Hangfire.PostgreSql;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GenApi.Worker.Storage;

/// <summary>
/// Installs Hangfire's PostgreSQL schema once, under an advisory lock. Hangfire.PostgreSql's own
/// PrepareSchemaIfNecessary fails ("could not find tuple for constraint") when an API and several workers
/// start together on a fresh database, so it is switched off and done here instead.
/// </summary>
public sealed class HangfireSchemaInstaller(IOptions<StorageOptions> options) : IHostedService
{
    public const string Schema = "hangfire";
    private const long LockKey = 7243902;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection))
            await command.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            PostgreSqlObjectsInstaller.Install(connection, Schema);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
