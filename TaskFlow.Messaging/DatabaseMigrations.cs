using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace TaskFlow.Messaging;

public static class DatabaseMigrations
{
    /// <summary>Any fixed number: the lock only has to be the same in every instance of a service.</summary>
    private const long MigrationLockKey = 7_261_001;

    /// <summary>
    /// Applies pending migrations while holding a Postgres advisory lock, so replicas starting together take turns:
    /// the first migrates, the others find nothing left to do (instead of failing on "relation already exists").
    /// <paramref name="thenUnderLock"/> runs after migrating, still under the lock: for other first-start work that
    /// only one instance may do.
    /// </summary>
    public static async Task MigrateExclusivelyAsync(this DbContext db, Action? thenUnderLock = null, CancellationToken cancellationToken = default)
    {
        await CreateDatabaseIfMissingAsync(db.Database.GetConnectionString()!, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
                thenUnderLock?.Invoke();
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Creates the service's database on a server that does not have it yet (a fresh cluster's Postgres: the local
    /// profile's AppHost creates it, a deployment nothing else does), through the server's maintenance database with
    /// the same credentials. Replicas racing to create it are fine: the losers find it there.
    /// </summary>
    public static async Task CreateDatabaseIfMissingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(target.Database)) return;
        try
        {
            await using var probe = new NpgsqlConnection(connectionString);
            await probe.OpenAsync(cancellationToken);
            return;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
        }
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // A database name is an identifier, not a parameter: quoted as one.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
        }
    }
}
