using Aspire.Hosting.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TaskFlow.Api.Data;
using TaskFlow.Messaging;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>A service started against a Postgres that has no database for it yet (a fresh cluster's) creates it.</summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class DatabaseCreationTests(TaskFlowApp app)
{
    [Fact]
    public async Task Migrating_creates_a_missing_database_once_even_when_replicas_start_together()
    {
        var name = "fresh_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new NpgsqlConnectionStringBuilder(await app.App.GetConnectionStringAsync("tasksdb")) { Database = name }.ConnectionString;

        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            await using var db = new ApiDbContext(new DbContextOptionsBuilder<ApiDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
            await db.MigrateExclusivelyAsync();
        }));

        await using var check = new ApiDbContext(new DbContextOptionsBuilder<ApiDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
        Assert.Equal(0, await check.Tasks.CountAsync());
        Assert.Empty(await check.Database.GetPendingMigrationsAsync());
    }
}
