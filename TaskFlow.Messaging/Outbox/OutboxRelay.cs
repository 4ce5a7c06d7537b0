using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TaskFlow.Messaging.Publishing;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Messaging.Outbox;

/// <summary>
/// Publishes outbox rows in write order, a batch at a time: the whole batch goes to the broker at once (many messages in
/// flight, order kept per key) and what the broker acknowledged is marked published in one statement. A failed message
/// stays unpublished, and so does every later message of its key in that batch, so the retry sends them again after it
/// (consumers skip, by event id, what they already had): a task's events never overtake each other.
/// One replica relays at a time: the one whose relay connection holds a Postgres advisory lock; the others try again
/// every <see cref="PollInterval"/>, and take over within that when the relayer dies (its connection, and so its lock,
/// goes with it). The relay's statements run on that connection without a transaction: two round trips a batch.
/// </summary>
public sealed partial class OutboxRelay<TContext>(
    IServiceScopeFactory scopes,
    IEventPublisher publisher,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService
    where TContext : DbContext, IOutboxDbContext
{
    /// <summary>Large enough that one pass keeps up with a full write load, small enough to hold in memory (~1 KB a row).</summary>
    private const int BatchSize = 1000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeepPublishedFor = TimeSpan.FromDays(1);
    private static readonly TimeSpan BacklogInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);
    private static readonly long LockKey = StableLockKey(typeof(TContext).FullName!);
    private static readonly string OutboxName = typeof(TContext).Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = await scopes.OutboxConnectionStringAsync<TContext>();

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await OpenRelayConnectionAsync(connectionString, stoppingToken);
                while (!await Scalar<bool>(connection, $"SELECT pg_try_advisory_lock({LockKey})", stoppingToken))
                    await Task.Delay(PollInterval, clock, stoppingToken);
                LogRelaying(logger, OutboxName);
                PipelineHealth.Working(PipelineHealth.Relay(OutboxName));
                failures = 0;
                await RelayAsync(connection, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The connection is gone (or unusable): so is the lock; start over once Postgres answers again.
                failures++;
                LogRelayFailed(logger, exception);
                PipelineHealth.HeldUpBy(PipelineHealth.Relay(OutboxName), $"the relay failed: {exception.Message}");
                await Task.Delay(RetryDelay.Doubling(FirstBackoff, failures, MaxBackoff), clock, stoppingToken);
            }
        }
    }

    /// <summary>
    /// The relay's own session. The planner is told to read unpublished rows straight off their partial index, in its
    /// order: its statistics say unpublished rows are rare (they usually are), so for a backlog it would otherwise
    /// fetch every unpublished row and sort them (40 ms per batch at a 40,000-row backlog instead of 2 ms).
    /// </summary>
    private static async Task<NpgsqlConnection> OpenRelayConnectionAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var settings = new NpgsqlCommand("SET enable_bitmapscan = off; SET enable_sort = off", connection);
            await settings.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Relays until stopped; a failed publish backs off and retries, a broken connection throws.</summary>
    private async Task RelayAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        var publishFailures = 0;
        var nextBacklog = clock.GetUtcNow();
        var nextCleanup = clock.GetUtcNow();
        while (true)
        {
            var batch = await ReadBatchAsync(connection, stoppingToken);
            var failed = batch.Count == 0 ? 0 : await PublishAsync(connection, batch, stoppingToken);

            if (clock.GetUtcNow() >= nextBacklog)
            {
                await MeasureBacklogAsync(connection, stoppingToken);
                nextBacklog = clock.GetUtcNow() + BacklogInterval;
            }
            if (clock.GetUtcNow() >= nextCleanup)
            {
                await DeletePublishedAsync(connection, stoppingToken);
                nextCleanup = clock.GetUtcNow() + CleanupInterval;
            }

            if (failed > 0)
            {
                PipelineHealth.HeldUpBy(PipelineHealth.Relay(OutboxName), $"{failed} of {batch.Count} messages could not be published");
                publishFailures++;
                await Task.Delay(RetryDelay.Doubling(FirstBackoff, publishFailures, MaxBackoff), clock, stoppingToken);
                continue;
            }
            if (publishFailures > 0) PipelineHealth.Working(PipelineHealth.Relay(OutboxName));
            publishFailures = 0;
            if (batch.Count < BatchSize) await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    private static async Task<List<OutboxMessage>> ReadBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand($"""
            SELECT id, topic, key, event_id, event_type, payload, trace_parent, created_at, attempts
            FROM outbox_messages WHERE published_at IS NULL ORDER BY id LIMIT {BatchSize}
            """, connection);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        var batch = new List<OutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            batch.Add(new OutboxMessage
            {
                Id = reader.GetInt64(0),
                Topic = reader.GetString(1),
                Key = reader.GetString(2),
                EventId = reader.GetGuid(3),
                EventType = reader.GetString(4),
                Payload = reader.GetString(5),
                TraceParent = reader.IsDBNull(6) ? null : reader.GetString(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
                Attempts = reader.GetInt32(8),
            });
        }
        return batch;
    }

    /// <summary>Publishes the batch and records the outcome; returns how many messages failed.</summary>
    private async Task<int> PublishAsync(NpgsqlConnection connection, List<OutboxMessage> batch, CancellationToken cancellationToken)
    {
        var errors = await publisher.PublishBatchAsync(batch.Select(m => m.ToOutgoing()).ToList(), cancellationToken);
        var published = OutboxBatch.Publishable(batch, errors).Select(i => batch[i].Id).ToArray();
        await using (var mark = new NpgsqlCommand("UPDATE outbox_messages SET published_at = @now WHERE id = ANY(@ids)", connection))
        {
            mark.Parameters.AddWithValue("now", clock.GetUtcNow());
            mark.Parameters.AddWithValue("ids", published);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        var failed = Enumerable.Range(0, batch.Count).Where(i => errors[i] is not null).ToArray();
        if (failed.Length > 0)
        {
            var first = batch[failed[0]];
            LogPublishFailed(logger, errors[failed[0]]!, failed.Length, batch.Count, first.Id, first.Topic, first.Attempts + 1);
            await using var record = new NpgsqlCommand("""
                UPDATE outbox_messages AS o SET attempts = o.attempts + 1, last_error = f.error
                FROM unnest(@ids, @errors) AS f(id, error) WHERE o.id = f.id
                """, connection);
            record.Parameters.AddWithValue("ids", failed.Select(i => batch[i].Id).ToArray());
            record.Parameters.AddWithValue("errors", failed.Select(i => errors[i]!.Message).ToArray());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        MessagingMetrics.OutboxBatchSize.Record(batch.Count, new KeyValuePair<string, object?>("taskflow.outbox", OutboxName));
        foreach (var topic in batch.Where((_, i) => errors[i] is null).GroupBy(m => m.Topic))
        {
            MessagingMetrics.SentMessages.Add(topic.Count(),
                new KeyValuePair<string, object?>("messaging.destination.name", topic.Key),
                new KeyValuePair<string, object?>("taskflow.outbox", OutboxName));
        }
        return failed.Length;
    }

    /// <summary>Counts through the partial index of unpublished rows: cheap while the relay keeps up.</summary>
    private async Task MeasureBacklogAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand("SELECT count(*), min(created_at) FROM outbox_messages WHERE published_at IS NULL", connection);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var rows = reader.GetInt64(0);
        var oldestAge = reader.IsDBNull(1) ? TimeSpan.Zero : clock.GetUtcNow() - reader.GetFieldValue<DateTimeOffset>(1);
        MessagingMetrics.RecordBacklog(OutboxName, rows, oldestAge);
    }

    private async Task DeletePublishedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand("DELETE FROM outbox_messages WHERE published_at < @cutoff", connection);
        delete.Parameters.AddWithValue("cutoff", clock.GetUtcNow() - KeepPublishedFor);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        if (deleted > 0) LogCleaned(logger, deleted);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A lock id that is the same in every process (string.GetHashCode is randomized per process).</summary>
    private static long StableLockKey(string name) =>
        (long)System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes("outbox-relay:" + name));

    [LoggerMessage(LogLevel.Information, "This instance now relays the {Outbox} outbox.")]
    private static partial void LogRelaying(ILogger logger, string outbox);

    [LoggerMessage(LogLevel.Warning, "{Failed} of {Count} outbox messages could not be published, the first {Id} to {Topic} (attempt {Attempts}); will retry.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int failed, int count, long id, string topic, int attempts);

    [LoggerMessage(LogLevel.Error, "The outbox relay failed; will retry.")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Information, "Deleted {Count} outbox rows published more than a day ago.")]
    private static partial void LogCleaned(ILogger logger, int count);
}
