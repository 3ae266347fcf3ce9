using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace GenApi.Worker.Storage;

/// <summary>
/// What differs between the SQLite and PostgreSQL job stores: the schema scripts and how "now" is written.
/// Every timestamp comes from the database clock, so leases compare correctly across hosts.
/// </summary>
public sealed record SqlDialect(
    string Name, string Now, string NowPlusSeconds, IReadOnlyList<string> Migrations, string LockForMigration,
    Func<DbException, bool> IsBrokenConnection)
{
    public static SqlDialect Sqlite { get; } = new(
        "sqlite",
        Now: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        NowPlusSeconds: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || @seconds || ' seconds')",
        Migrations:
        [
            """
            CREATE TABLE Jobs (
                Id TEXT PRIMARY KEY, Status TEXT NOT NULL, Spec TEXT NOT NULL, CreatedAt TEXT NOT NULL,
                StartedAt TEXT, FinishedAt TEXT, Step INTEGER NOT NULL DEFAULT 0, ImagesPerSecond REAL,
                LossD REAL, LossG REAL, ModelId TEXT, Error TEXT, CancelRequested INTEGER NOT NULL DEFAULT 0,
                Attempts INTEGER NOT NULL DEFAULT 0, LeaseOwner TEXT, LeaseExpiresAt TEXT);
            CREATE INDEX JobsByStatus ON Jobs (Status, CreatedAt);
            CREATE TABLE Models (
                Id TEXT PRIMARY KEY, JobId TEXT NOT NULL, Family TEXT NOT NULL, Dataset TEXT NOT NULL,
                Config TEXT NOT NULL, Steps INTEGER NOT NULL, CreatedAt TEXT NOT NULL);
            CREATE TABLE JobEvents (
                Id INTEGER PRIMARY KEY AUTOINCREMENT, JobId TEXT NOT NULL, At TEXT NOT NULL, Kind TEXT NOT NULL, Message TEXT NOT NULL);
            CREATE INDEX JobEventsByJob ON JobEvents (JobId, Id);
            CREATE TABLE Workers (
                Id TEXT PRIMARY KEY, Name TEXT NOT NULL, Device TEXT NOT NULL, StartedAt TEXT NOT NULL,
                HeartbeatAt TEXT NOT NULL, CurrentJobs TEXT NOT NULL DEFAULT '');
            """,
        ],
        // Embedded mode has one process; its transaction suffices.
        LockForMigration: "SELECT 1",
        IsBrokenConnection: _ => false);

    public static SqlDialect Postgres { get; } = new(
        "postgres",
        Now: "now()",
        NowPlusSeconds: "now() + make_interval(secs => @seconds)",
        Migrations:
        [
            """
            CREATE TABLE Jobs (
                Id TEXT PRIMARY KEY, Status TEXT NOT NULL, Spec TEXT NOT NULL, CreatedAt TIMESTAMPTZ NOT NULL,
                StartedAt TIMESTAMPTZ, FinishedAt TIMESTAMPTZ, Step INTEGER NOT NULL DEFAULT 0, ImagesPerSecond DOUBLE PRECISION,
                LossD DOUBLE PRECISION, LossG DOUBLE PRECISION, ModelId TEXT, Error TEXT, CancelRequested INTEGER NOT NULL DEFAULT 0,
                Attempts INTEGER NOT NULL DEFAULT 0, LeaseOwner TEXT, LeaseExpiresAt TIMESTAMPTZ);
            CREATE INDEX JobsByStatus ON Jobs (Status, CreatedAt);
            CREATE TABLE Models (
                Id TEXT PRIMARY KEY, JobId TEXT NOT NULL, Family TEXT NOT NULL, Dataset TEXT NOT NULL,
                Config TEXT NOT NULL, Steps INTEGER NOT NULL, CreatedAt TIMESTAMPTZ NOT NULL);
            CREATE TABLE JobEvents (
                Id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, JobId TEXT NOT NULL, At TIMESTAMPTZ NOT NULL,
                Kind TEXT NOT NULL, Message TEXT NOT NULL);
            CREATE INDEX JobEventsByJob ON JobEvents (JobId, Id);
            CREATE TABLE Workers (
                Id TEXT PRIMARY KEY, Name TEXT NOT NULL, Device TEXT NOT NULL, StartedAt TIMESTAMPTZ NOT NULL,
                HeartbeatAt TIMESTAMPTZ NOT NULL, CurrentJobs TEXT NOT NULL DEFAULT '');
            """,
        ],
        // Processes starting together must not run the same migration twice.
        LockForMigration: "SELECT pg_advisory_xact_lock(7243901)",
        // I/O failures on a pooled connection, and the server closing it (57P01 admin shutdown, 08xxx).
        IsBrokenConnection: error => error switch
        {
            PostgresException { SqlState: var state } => state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03",
            NpgsqlException { InnerException: IOException or SocketException } => true,
            _ => false,
        });
}
