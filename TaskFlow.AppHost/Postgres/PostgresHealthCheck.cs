using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TaskFlow.AppHost;

/// <summary>
/// Healthy when a connection opens and answers SELECT 1. A TCP connect is not enough: postgres accepts connections
/// while it is still starting up or recovering, and refuses sessions then. For a database resource this also proves
/// the database exists.
/// </summary>
public sealed class PostgresHealthCheck(IResourceWithConnectionString postgres) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = await postgres.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var select = new NpgsqlCommand("SELECT 1", connection);
            await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{postgres.Name}: {e.Message}");
        }
    }
}
