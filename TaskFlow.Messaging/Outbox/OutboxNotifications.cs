using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TaskFlow.Messaging.Outbox;

/// <summary>
/// Carries "outbox rows committed" between replicas over Postgres LISTEN/NOTIFY: whichever replica takes the relay lock
/// next publishes everyone's rows, so each must hear of the others' commits. NOTIFY is sent outside the write's own
/// transaction, at most once per <see cref="NotifyEvery"/>: a NOTIFY inside a write would take Postgres' global
/// notification lock at every commit and serialize the writes on it.
/// </summary>
public sealed partial class OutboxNotifications<TContext>(
    IServiceScopeFactory scopes, OutboxSignal signal, ILogger<OutboxNotifications<TContext>> logger) : BackgroundService
    where TContext : DbContext, IOutboxDbContext
{
    private static readonly string Channel = "outbox_" + typeof(TContext).Name.ToLowerInvariant();
    private static readonly TimeSpan NotifyEvery = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = await scopes.OutboxConnectionStringAsync<TContext>();
        await Task.WhenAll(
            KeepGoingAsync(() => ListenAsync(connectionString, stoppingToken), stoppingToken),
            KeepGoingAsync(() => NotifyAsync(connectionString, stoppingToken), stoppingToken));
    }

    /// <summary>Each replica's own commits also come back here; a spare wake-up costs one empty query.</summary>
    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        connection.Notification += (_, _) => signal.Notify();
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
        // Rows committed while this replica was not listening yet.
        signal.Notify();
        while (true) await connection.WaitAsync(stoppingToken);
    }

    private async Task NotifyAsync(string connectionString, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stoppingToken);
        await using var notify = new NpgsqlCommand($"NOTIFY {Channel}", connection);
        while (true)
        {
            await signal.WaitForCommitAsync(stoppingToken);
            await notify.ExecuteNonQueryAsync(stoppingToken);
            await Task.Delay(NotifyEvery, stoppingToken);
        }
    }

    private async Task KeepGoingAsync(Func<Task> loop, CancellationToken stoppingToken)
    {
        for (var failures = 1; !stoppingToken.IsCancellationRequested; failures++)
        {
            try
            {
                await loop();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Until it reconnects, other replicas' rows wait for the relay's poll (a second), nothing worse.
                LogConnectionLost(logger, exception, Channel);
                try { await Task.Delay(RetryDelay.Doubling(FirstBackoff, failures, MaxBackoff), stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Outbox notifications on {Channel} lost their connection; reconnecting.")]
    private static partial void LogConnectionLost(ILogger logger, Exception exception, string channel);
}
