using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace TaskFlow.ServiceDefaults;

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
    /// <param name="formerName">
    /// The database's name before a rename: its data is moved to the new name first (see <see cref="MoveRenamedDatabaseAsync"/>).
    /// </param>
    public static async Task MigrateExclusivelyAsync(this DbContext db, Action? thenUnderLock = null, string? formerName = null, CancellationToken cancellationToken = default)
    {
        if (formerName is not null) await MoveRenamedDatabaseAsync(db.Database.GetConnectionString()!, formerName, cancellationToken);
        await CreateDatabaseIfMissingAsync(db.Database.GetConnectionString()!, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                // EF reads its history table before creating it, and Postgres logs that failed read as an ERROR on every
                // new database; with the table made first (IF NOT EXISTS) the log shows only real errors.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
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
        await using var connection = await OpenMaintenanceAsync(connectionString, cancellationToken);
        try
        {
            await Execute(connection, $"CREATE DATABASE {Identifier(target.Database)}", cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
        }
    }

    /// <summary>
    /// A database that got a new name keeps its data: when the database under <paramref name="formerName"/> still
    /// exists, and the one the connection string names is missing or empty (no table yet; e.g. created empty by an
    /// orchestrator before this service started), the old one is renamed to the new name, the empty one dropped first.
    /// Under an advisory lock, so replicas starting together move it once. Does nothing once the old name is gone.
    /// </summary>
    public static async Task MoveRenamedDatabaseAsync(string connectionString, string formerName, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(target.Database) || target.Database == formerName) return;
        await using var connection = await OpenMaintenanceAsync(connectionString, cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_lock({DatabaseMoveLockKey})", cancellationToken);
        try
        {
            if (!await ExistsAsync(connection, formerName, cancellationToken)) return;
            if (await ExistsAsync(connection, target.Database, cancellationToken))
            {
                if (!await IsEmptyAsync(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString, cancellationToken)) return;
                // Empty: nothing is lost, and whoever holds a connection to it (a health check) is disconnected.
                await Execute(connection, $"DROP DATABASE {Identifier(target.Database)} WITH (FORCE)", cancellationToken);
            }
            try
            {
                await Execute(connection, $"ALTER DATABASE {Identifier(formerName)} RENAME TO {Identifier(target.Database)}", cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                throw new InvalidOperationException(
                    $"The database {formerName} is now called {target.Database}, and renaming it failed because something is still " +
                    $"connected to {formerName} (an older instance of this service?): stop that, or keep Database={formerName} " +
                    "in the connection string.", exception);
            }
        }
        finally
        {
            await Execute(connection, $"SELECT pg_advisory_unlock({DatabaseMoveLockKey})", CancellationToken.None);
        }
    }

    private const long DatabaseMoveLockKey = 7_261_002;

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", connection) { Parameters = { new() { Value = database } } };
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> IsEmptyAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// The server's maintenance database with the service's credentials: where databases are created and renamed.
    /// Unpooled, so no idle connection is left holding on to the server.
    /// </summary>
    private static async Task<NpgsqlConnection> OpenMaintenanceAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A database name is an identifier, not a parameter: quoted as one.</summary>
    private static string Identifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
