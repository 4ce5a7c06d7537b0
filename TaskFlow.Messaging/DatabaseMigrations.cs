using Microsoft.EntityFrameworkCore;

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
}
