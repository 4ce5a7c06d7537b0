using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Messaging.Outbox;

/// <summary>
/// Publishes outbox rows in write order, a batch at a time: the whole batch goes to the broker at once (many messages in
/// flight, order kept per key) and what the broker acknowledged is marked published in one statement. A failed message
/// stays unpublished, and so does every later message of its key in that batch, so the retry sends them again after it
/// (consumers skip what they already had): a task's events never overtake each other. Only one instance relays at a
/// time (a Postgres advisory lock per batch), so replicas do not reorder events either.
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
    private static readonly long LockKey = StableLockKey(typeof(TContext).FullName!);
    private static readonly string OutboxName = typeof(TContext).Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var nextCleanup = clock.GetUtcNow();
        var nextBacklog = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            BatchOutcome outcome;
            try
            {
                outcome = await RelayBatchAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextBacklog)
                {
                    await MeasureBacklogAsync(stoppingToken);
                    nextBacklog = clock.GetUtcNow() + BacklogInterval;
                }
                if (clock.GetUtcNow() >= nextCleanup)
                {
                    await DeletePublishedAsync(stoppingToken);
                    nextCleanup = clock.GetUtcNow().AddHours(1);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(logger, exception);
                outcome = BatchOutcome.Failed;
            }

            if (outcome == BatchOutcome.Full) { failures = 0; continue; }
            if (outcome == BatchOutcome.Failed)
            {
                failures++;
                await Task.Delay(RetryDelay.Doubling(FirstBackoff, failures, MaxBackoff), clock, stoppingToken);
                continue;
            }
            failures = 0;
            // Another replica is relaying (and hears of this one's commits): try again when it may have stopped.
            if (outcome == BatchOutcome.NotRelayer) await Task.Delay(PollInterval, clock, stoppingToken);
            else await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    private enum BatchOutcome { Drained, Full, Failed, NotRelayer }

    private async Task<BatchOutcome> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var isRelayer = await db.Database
                .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"")
                .SingleAsync(ct);
            if (!isRelayer) return BatchOutcome.NotRelayer;

            // Read the oldest rows straight off the partial index, in its order, whatever Postgres estimates: its
            // statistics say unpublished rows are rare (they usually are), so for a backlog it would otherwise fetch
            // every unpublished row and sort them (40 ms per batch at a 40,000-row backlog instead of 2 ms).
            await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off", ct);

            var batch = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.PublishedAt == null)
                .OrderBy(m => m.Id)
                .Take(BatchSize)
                .ToListAsync(ct);
            if (batch.Count == 0) return BatchOutcome.Drained;

            var errors = await publisher.PublishBatchAsync(batch.Select(m => m.ToOutgoing()).ToList(), ct);
            var published = OutboxBatch.Publishable(batch, errors).Select(i => batch[i].Id).ToArray();
            await db.Database.ExecuteSqlAsync(
                $"UPDATE outbox_messages SET published_at = {clock.GetUtcNow()} WHERE id = ANY({published})", ct);

            var failed = Enumerable.Range(0, batch.Count).Where(i => errors[i] is not null).ToArray();
            if (failed.Length > 0)
            {
                var first = batch[failed[0]];
                LogPublishFailed(logger, errors[failed[0]]!, failed.Length, batch.Count, first.Id, first.Topic, first.Attempts + 1);
                var failedIds = failed.Select(i => batch[i].Id).ToArray();
                var failedErrors = failed.Select(i => errors[i]!.Message).ToArray();
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE outbox_messages AS o SET attempts = o.attempts + 1, last_error = f.error
                    FROM unnest({failedIds}, {failedErrors}) AS f(id, error) WHERE o.id = f.id
                    """, ct);
            }
            await transaction.CommitAsync(ct);

            MessagingMetrics.OutboxBatchSize.Record(batch.Count, new KeyValuePair<string, object?>("taskflow.outbox", OutboxName));
            foreach (var topic in published.Length == 0 ? [] : batch.Where((_, i) => errors[i] is null).GroupBy(m => m.Topic))
            {
                MessagingMetrics.SentMessages.Add(topic.Count(),
                    new KeyValuePair<string, object?>("messaging.destination.name", topic.Key),
                    new KeyValuePair<string, object?>("taskflow.outbox", OutboxName));
            }
            return failed.Length > 0 ? BatchOutcome.Failed : batch.Count == BatchSize ? BatchOutcome.Full : BatchOutcome.Drained;
        }, cancellationToken);
    }

    /// <summary>Counts through the partial index of unpublished rows: cheap while the relay keeps up.</summary>
    private async Task MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var backlog = await db.OutboxMessages.Where(m => m.PublishedAt == null)
            .GroupBy(_ => 1)
            .Select(g => new { Rows = g.LongCount(), Oldest = g.Min(m => m.CreatedAt) })
            .SingleOrDefaultAsync(cancellationToken);
        MessagingMetrics.RecordBacklog(OutboxName, backlog?.Rows ?? 0, backlog is null ? TimeSpan.Zero : clock.GetUtcNow() - backlog.Oldest);
    }

    private async Task DeletePublishedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var cutoff = clock.GetUtcNow() - KeepPublishedFor;
        var deleted = await db.OutboxMessages.Where(m => m.PublishedAt != null && m.PublishedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0) LogCleaned(logger, deleted);
    }

    /// <summary>A lock id that is the same in every process (string.GetHashCode is randomized per process).</summary>
    private static long StableLockKey(string name) =>
        (long)System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes("outbox-relay:" + name));

    [LoggerMessage(LogLevel.Warning, "{Failed} of {Count} outbox messages could not be published, the first {Id} to {Topic} (attempt {Attempts}); will retry.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int failed, int count, long id, string topic, int attempts);

    [LoggerMessage(LogLevel.Error, "The outbox relay failed; will retry.")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Information, "Deleted {Count} outbox rows published more than a day ago.")]
    private static partial void LogCleaned(ILogger logger, int count);
}
