using Aspire.Hosting.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TaskFlow.Api.Data;
using TaskFlow.ServiceDefaults;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>A service started against a Postgres that has no database for it yet (a fresh cluster's) creates it; a renamed one keeps its data.</summary>
public sealed class DatabaseCreationTests(TaskFlowServices app)
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

    [Fact]
    public async Task A_renamed_database_keeps_its_data_whether_the_new_name_is_missing_or_was_created_empty()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (missingOld, missingNew) = ($"old_{suffix}_a", $"new_{suffix}_a");
        var (emptyOld, emptyNew) = ($"old_{suffix}_b", $"new_{suffix}_b");
        await CreateWithRowAsync(missingOld, "kept a");
        await CreateWithRowAsync(emptyOld, "kept b");
        await ExecuteAsync("postgres", $"CREATE DATABASE {emptyNew}");
        // Something holds a connection to the empty one, as the AppHost's health check does.
        await using var holder = new NpgsqlConnection(await ConnectionStringAsync(emptyNew));
        await holder.OpenAsync();

        await DatabaseMigrations.MoveRenamedDatabaseAsync(await ConnectionStringAsync(missingNew), missingOld, CancellationToken.None);
        await DatabaseMigrations.MoveRenamedDatabaseAsync(await ConnectionStringAsync(emptyNew), emptyOld, CancellationToken.None);

        Assert.Equal("kept a", await ReadRowAsync(missingNew));
        Assert.Equal("kept b", await ReadRowAsync(emptyNew));
        Assert.False(await ExistsAsync(missingOld));
        Assert.False(await ExistsAsync(emptyOld));
    }

    [Fact]
    public async Task A_new_name_that_already_holds_data_is_left_alone_and_so_is_the_old_one()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await CreateWithRowAsync($"old_{suffix}", "old data");
        await CreateWithRowAsync($"new_{suffix}", "new data");

        await DatabaseMigrations.MoveRenamedDatabaseAsync(await ConnectionStringAsync($"new_{suffix}"), $"old_{suffix}", CancellationToken.None);

        Assert.Equal("new data", await ReadRowAsync($"new_{suffix}"));
        Assert.Equal("old data", await ReadRowAsync($"old_{suffix}"));
    }

    private async Task<string> ConnectionStringAsync(string database) =>
        new NpgsqlConnectionStringBuilder(await app.App.GetConnectionStringAsync("tasksdb")) { Database = database, Pooling = false }.ConnectionString;

    private async Task CreateWithRowAsync(string database, string value)
    {
        await ExecuteAsync("postgres", $"CREATE DATABASE {database}");
        await ExecuteAsync(database, "CREATE TABLE kept (value text)");
        await ExecuteAsync(database, $"INSERT INTO kept VALUES ('{value}')");
    }

    private async Task<string?> ReadRowAsync(string database)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value FROM kept", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<bool> ExistsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{database}')", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
