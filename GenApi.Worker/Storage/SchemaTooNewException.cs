namespace GenApi.Worker.Storage;

/// <summary>The database was migrated by a newer GenApi than this process: it refuses to start rather than write to it.</summary>
public sealed class SchemaTooNewException(int database, int binary) : InvalidOperationException(
    $"The database's schema is version {database}, newer than this GenApi's {binary}: a newer GenApi or GenApi.Worker has " +
    "migrated it. Upgrade this process to the same build as the others; it will not start against a schema it does not know.")
{
    public int DatabaseVersion { get; } = database;
    public int BinaryVersion { get; } = binary;
}
