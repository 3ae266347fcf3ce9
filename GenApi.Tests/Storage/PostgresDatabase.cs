using Npgsql;

namespace GenApi.Tests.Storage;

/// <summary>
/// A fresh database on the PostgreSQL server named by GENAPI_TEST_POSTGRES (an admin connection string;
/// .ci/postgres.sh starts one and sets it). Without it the test is skipped locally, and fails in CI.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private const string Variable = "GENAPI_TEST_POSTGRES";
    private readonly string _admin;
    private readonly string _name = $"genapi_test_{Guid.NewGuid():N}";

    private PostgresDatabase(string admin)
    {
        _admin = admin;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _name, Pooling = true }.ToString();
    }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(Variable);
        var reason = $"{Variable} is not set: run 'source .ci/postgres.sh' to start a PostgreSQL for the tests.";
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.False(string.IsNullOrEmpty(admin), reason);
        Skip.If(string.IsNullOrEmpty(admin), reason);

        var database = new PostgresDatabase(admin!);
        await database.ExecuteAdminAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    /// <summary>Restarts the server (GENAPI_TEST_POSTGRES_RESTART), as an operator or a crash would.</summary>
    public static async Task RestartServerAsync()
    {
        var command = Environment.GetEnvironmentVariable("GENAPI_TEST_POSTGRES_RESTART");
        Assert.False(string.IsNullOrEmpty(command), "GENAPI_TEST_POSTGRES_RESTART is not set (see .ci/postgres.sh).");
        using var process = System.Diagnostics.Process.Start("bash", ["-c", command!]);
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
