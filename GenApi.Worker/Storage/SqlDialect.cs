using System.Data.Common;
using System.Net.Sockets;
using GenApi.Worker.Contracts;
using Npgsql;

namespace GenApi.Worker.Storage;

/// <summary>
/// What differs between the SQLite and PostgreSQL job stores: the schema scripts and how "now" is written.
/// Every timestamp comes from the database clock, so leases compare correctly across hosts.
/// </summary>
public sealed record SqlDialect(
    string Now, string NowPlusSeconds, string NowMinusSeconds, IReadOnlyList<string> Migrations, string LockForMigration,
    Func<DbException, bool> IsBrokenConnection, Func<DateTimeOffset, object> Timestamp)
{
    public static SqlDialect Sqlite { get; } = new(
        Now: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        NowPlusSeconds: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || @seconds || ' seconds')",
        NowMinusSeconds: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || @seconds || ' seconds')",
        Migrations: Schema(timestamp: "TEXT", real: "REAL", identity: "INTEGER PRIMARY KEY AUTOINCREMENT"),
        // Embedded mode has one process; its transaction suffices.
        LockForMigration: "SELECT 1",
        IsBrokenConnection: _ => false,
        // Timestamps are ISO-8601 text compared as strings: parameters must take the exact form strftime writes.
        Timestamp: time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));

    public static SqlDialect Postgres { get; } = new(
        Now: "now()",
        NowPlusSeconds: "now() + make_interval(secs => @seconds)",
        NowMinusSeconds: "now() - make_interval(secs => @seconds)",
        Migrations: Schema(timestamp: "TIMESTAMPTZ", real: "DOUBLE PRECISION", identity: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
        // Processes starting together must not run the same migration twice.
        LockForMigration: "SELECT pg_advisory_xact_lock(7243901)",
        // I/O failures on a pooled connection, and the server closing it (57P01 admin shutdown, 08xxx).
        IsBrokenConnection: error => error switch
        {
            PostgresException { SqlState: var state } => state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03",
            NpgsqlException { InnerException: IOException or SocketException } => true,
            _ => false,
        },
        Timestamp: time => time.ToUniversalTime());

    // Every version in order, in a dialect's column types. New versions are appended; applied ones never change.
    private static IReadOnlyList<string> Schema(string timestamp, string real, string identity) =>
        [Version1(timestamp, real, identity), Version2(timestamp, real, identity), Version3(timestamp, real), Version4(real), Version5, Version6(timestamp), Version7(timestamp), Version8(real), Version9(real), Version10, Version11, Version12];

    // Schema version 1.
    private static string Version1(string timestamp, string real, string identity) => $"""
        CREATE TABLE Jobs (
            Id TEXT PRIMARY KEY, Status TEXT NOT NULL, Spec TEXT NOT NULL, CreatedAt {timestamp} NOT NULL,
            StartedAt {timestamp}, FinishedAt {timestamp}, Step INTEGER NOT NULL DEFAULT 0, ImagesPerSecond {real},
            LossD {real}, LossG {real}, ModelId TEXT, Error TEXT, CancelRequested INTEGER NOT NULL DEFAULT 0,
            Attempts INTEGER NOT NULL DEFAULT 0, LeaseOwner TEXT, LeaseExpiresAt {timestamp});
        CREATE INDEX JobsByStatus ON Jobs (Status, CreatedAt);
        CREATE TABLE Models (
            Id TEXT PRIMARY KEY, JobId TEXT NOT NULL, Family TEXT NOT NULL, Dataset TEXT NOT NULL,
            Config TEXT NOT NULL, Steps INTEGER NOT NULL, CreatedAt {timestamp} NOT NULL);
        CREATE TABLE JobEvents (
            Id {identity}, JobId TEXT NOT NULL, At {timestamp} NOT NULL, Kind TEXT NOT NULL, Message TEXT NOT NULL);
        CREATE INDEX JobEventsByJob ON JobEvents (JobId, Id);
        CREATE TABLE Workers (
            Id TEXT PRIMARY KEY, Name TEXT NOT NULL, Device TEXT NOT NULL, StartedAt {timestamp} NOT NULL,
            HeartbeatAt {timestamp} NOT NULL, CurrentJobs TEXT NOT NULL DEFAULT '');
        """;

    // Schema version 2: teams own jobs and models; per-step metrics; API keys; idempotent POSTs; webhook outbox.
    private static string Version2(string timestamp, string real, string identity) => $"""
        ALTER TABLE Jobs ADD COLUMN Team TEXT NOT NULL DEFAULT '';
        ALTER TABLE Jobs ADD COLUMN Webhook TEXT;
        CREATE INDEX JobsByTeam ON Jobs (Team, CreatedAt, Id);
        ALTER TABLE Models ADD COLUMN Team TEXT NOT NULL DEFAULT '';
        CREATE INDEX ModelsByTeam ON Models (Team, CreatedAt, Id);
        CREATE TABLE JobMetrics (
            JobId TEXT NOT NULL, Step INTEGER NOT NULL, LossD {real} NOT NULL, LossG {real} NOT NULL,
            ImagesPerSecond {real} NOT NULL, LearningRate {real} NOT NULL, At {timestamp} NOT NULL);
        CREATE INDEX JobMetricsByJob ON JobMetrics (JobId, Step);
        CREATE TABLE ApiKeys (
            Id TEXT PRIMARY KEY, Team TEXT NOT NULL, Hash TEXT NOT NULL UNIQUE, Admin INTEGER NOT NULL DEFAULT 0,
            CreatedAt {timestamp} NOT NULL);
        CREATE TABLE IdempotencyKeys (
            Team TEXT NOT NULL, Key TEXT NOT NULL, RequestHash TEXT NOT NULL, Status INTEGER NOT NULL,
            Location TEXT, Body TEXT NOT NULL, CreatedAt {timestamp} NOT NULL, PRIMARY KEY (Team, Key));
        CREATE TABLE WebhookDeliveries (
            Id {identity}, JobId TEXT NOT NULL, EventId INTEGER NOT NULL, Url TEXT NOT NULL, Payload TEXT NOT NULL,
            Attempts INTEGER NOT NULL DEFAULT 0, NextAttemptAt {timestamp} NOT NULL, LockedUntil {timestamp},
            DeliveredAt {timestamp}, LastError TEXT);
        CREATE INDEX WebhookDeliveriesDue ON WebhookDeliveries (DeliveredAt, NextAttemptAt);
        """;

    // Schema version 3: sample-quality scores per evaluated step, with the real-data floor beside them.
    private static string Version3(string timestamp, string real) => $"""
        CREATE TABLE JobScores (
            JobId TEXT NOT NULL, Step INTEGER NOT NULL, FrechetDistance {real} NOT NULL, Kid {real} NOT NULL, KidStd {real} NOT NULL,
            Precision {real} NOT NULL, Recall {real} NOT NULL, Samples INTEGER NOT NULL,
            FloorFrechetDistance {real} NOT NULL, FloorKid {real} NOT NULL, FloorPrecision {real} NOT NULL, FloorRecall {real} NOT NULL,
            ClassifierAccuracy {real} NOT NULL, At {timestamp} NOT NULL);
        CREATE INDEX JobScoresByJob ON JobScores (JobId, Step);
        """;

    // Schema version 4: class-distribution and VAE scores.
    private static string Version4(string real) => $"""
        ALTER TABLE JobScores ADD COLUMN ClassKl {real} NOT NULL DEFAULT 0;
        ALTER TABLE JobScores ADD COLUMN FloorClassKl {real} NOT NULL DEFAULT 0;
        ALTER TABLE JobScores ADD COLUMN ConditionalAccuracy {real};
        ALTER TABLE JobScores ADD COLUMN ReconstructionError {real};
        ALTER TABLE JobScores ADD COLUMN Elbo {real};
        """;

    // Schema version 5: models were stored without their team (so their owners could not see them); they belong to
    // the team of the job that trained them.
    private const string Version5 = """
        UPDATE Models SET Team = COALESCE((SELECT Jobs.Team FROM Jobs WHERE Jobs.Id = Models.JobId), '') WHERE Team = '';
        """;

    // Schema version 6: a webhook signing secret per team; API keys may expire; jobs record when they were put on
    // the queue (the sweeper finds those that never were: existing ones count as enqueued); idempotency keys are reserved before the request runs
    // (Pending) and keep the response's content type, its body as base64 (images too) and an expiry. Stored responses
    // of the old form are dropped: they expire within a day anyway.
    private static string Version6(string timestamp) => $"""
        CREATE TABLE WebhookSecrets (Team TEXT PRIMARY KEY, Secret TEXT NOT NULL, CreatedAt {timestamp} NOT NULL);
        DELETE FROM IdempotencyKeys;
        ALTER TABLE IdempotencyKeys ADD COLUMN Pending INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE IdempotencyKeys ADD COLUMN ContentType TEXT;
        ALTER TABLE IdempotencyKeys ADD COLUMN ExpiresAt {timestamp};
        ALTER TABLE ApiKeys ADD COLUMN ExpiresAt {timestamp};
        ALTER TABLE Jobs ADD COLUMN EnqueuedAt {timestamp};
        UPDATE Jobs SET EnqueuedAt = CreatedAt;
        """;

    // Schema version 7: sweeps, whose trials are jobs (numbered, with the parameters they were given); named leases, so
    // that of several API replicas one runs the sweep controller at a time.
    private static string Version7(string timestamp) => $"""
        CREATE TABLE Sweeps (
            Id TEXT PRIMARY KEY, Team TEXT NOT NULL, Status TEXT NOT NULL, Spec TEXT NOT NULL, CreatedAt {timestamp} NOT NULL,
            FinishedAt {timestamp}, Error TEXT);
        CREATE INDEX SweepsByTeam ON Sweeps (Team, CreatedAt, Id);
        ALTER TABLE Jobs ADD COLUMN SweepId TEXT;
        ALTER TABLE Jobs ADD COLUMN Trial INTEGER;
        ALTER TABLE Jobs ADD COLUMN TrialParameters TEXT;
        CREATE UNIQUE INDEX JobsBySweep ON Jobs (SweepId, Trial);
        CREATE TABLE Leases (Name TEXT PRIMARY KEY, Owner TEXT NOT NULL, ExpiresAt {timestamp} NOT NULL);
        """;

    // Schema version 8: translation models are scored both ways; the B→A Fréchet distance gets its own column.
    private static string Version8(string real) => $"""
        ALTER TABLE JobScores ADD COLUMN ReverseFrechetDistance {real};
        """;

    // Schema version 9: VAEs report the test split's KL and how many latent dimensions are active (posterior collapse).
    private static string Version9(string real) => $"""
        ALTER TABLE JobScores ADD COLUMN Kl {real};
        ALTER TABLE JobScores ADD COLUMN ActiveDimensions INTEGER;
        """;

    // Schema version 10: a compressed model's parent, compression settings and report (JSON).
    private const string Version10 = """
        ALTER TABLE Models ADD COLUMN Lineage TEXT;
        """;

    // Schema version 11: updates a job recomputed because their first try was not finite (a faulty kernel), over all its attempts.
    private const string Version11 = """
        ALTER TABLE Jobs ADD COLUMN RecoveredUpdates INTEGER NOT NULL DEFAULT 0;
        """;

    // Schema version 12: an imported or fine-tuned model's source (JSON).
    private const string Version12 = """
        ALTER TABLE Models ADD COLUMN Origin TEXT;
        """;
}
