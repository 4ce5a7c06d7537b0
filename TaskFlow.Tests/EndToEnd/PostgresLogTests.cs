using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>The local Postgres's log in the dashboard: its ordinary lines are not shown as errors, its errors are.</summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class PostgresLogTests(TaskFlowApp app)
{
    [Fact]
    public async Task Ordinary_log_lines_are_not_errors_and_a_failed_statement_is()
    {
        await using (var connection = new NpgsqlConnection(await app.App.GetConnectionStringAsync("tasksdb")))
        {
            await connection.OpenAsync();
            // A configuration reload is logged as an ordinary LOG line; a failed statement as ERROR plus STATEMENT.
            await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection)) await reload.ExecuteScalarAsync();
            await using var command = new NpgsqlCommand("SELECT 1/0 AS taskflow_log_test", connection);
            await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
        }

        var reloaded = default(LogLine?);
        var failed = default(LogLine?);
        var statement = default(LogLine?);
        var migrationErrors = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var logs = app.App.Services.GetRequiredService<ResourceLoggerService>();
        try
        {
            var instance = (await app.InstancesAsync("postgres")).Keys.Single();
            await foreach (var batch in logs.WatchAsync(instance).WithCancellation(timeout.Token))
            {
                foreach (var line in batch)
                {
                    if (line.Content.Contains("LOG:  received SIGHUP, reloading configuration files", StringComparison.Ordinal)) reloaded = line;
                    if (line.Content.Contains("ERROR:  division by zero", StringComparison.Ordinal)) failed = line;
                    if (line.Content.Contains("STATEMENT:  SELECT 1/0 AS taskflow_log_test", StringComparison.Ordinal)) statement = line;
                    if (line.Content.Contains("__EFMigrationsHistory", StringComparison.Ordinal) && line.IsErrorMessage) migrationErrors.Add(line.Content);
                }
                if (reloaded is not null && failed is not null && statement is not null) break;
            }
        }
        catch (OperationCanceledException)
        {
        }

        Assert.False(Assert.NotNull(reloaded).IsErrorMessage, reloaded.Value.Content);
        Assert.True(Assert.NotNull(failed).IsErrorMessage, failed.Value.Content);
        Assert.True(Assert.NotNull(statement).IsErrorMessage, statement.Value.Content);
        // From the start of the log (the watch replays it): migrating the databases logged no error of its own.
        Assert.Empty(migrationErrors);
    }
}
