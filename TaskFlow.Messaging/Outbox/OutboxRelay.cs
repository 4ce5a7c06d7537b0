using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.Kafka;

namespace TaskFlow.Messaging.Outbox;

/// <summary>
/// Publishes outbox rows in write order and marks them published once the broker acknowledged them.
/// A failed publish stops the batch (so a task's events never overtake each other) and is retried with backoff.
/// Only one instance relays at a time (a Postgres advisory lock per batch), so replicas do not reorder events.
/// </summary>
public sealed partial class OutboxRelay<TContext>(
    IServiceScopeFactory scopes,
    IEventPublisher publisher,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService
    where TContext : DbContext, IOutboxDbContext
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeepPublishedFor = TimeSpan.FromDays(1);
    private static readonly long LockKey = StableLockKey(typeof(TContext).FullName!);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var nextCleanup = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            BatchOutcome outcome;
            try
            {
                outcome = await RelayBatchAsync(stoppingToken);
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
            await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    private enum BatchOutcome { Drained, Full, Failed }

    private async Task<BatchOutcome> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var isRelayer = await db.Database
                .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"")
                .SingleAsync(ct);
            if (!isRelayer) return BatchOutcome.Drained;

            var batch = await db.OutboxMessages
                .Where(m => m.PublishedAt == null)
                .OrderBy(m => m.Id)
                .Take(BatchSize)
                .ToListAsync(ct);

            var outcome = batch.Count == BatchSize ? BatchOutcome.Full : BatchOutcome.Drained;
            foreach (var message in batch)
            {
                try
                {
                    using var activity = TraceHeaders.Source.StartActivity(
                        "outbox relay", ActivityKind.Internal, TraceHeaders.Parse(message.TraceParent));
                    await publisher.PublishAsync(message.ToOutgoing(), ct);
                    message.PublishedAt = clock.GetUtcNow();
                }
                catch (Exception exception) when (!ct.IsCancellationRequested)
                {
                    message.Attempts++;
                    message.LastError = exception.Message;
                    LogPublishFailed(logger, exception, message.Id, message.Topic, message.Attempts);
                    outcome = BatchOutcome.Failed;
                    break;
                }
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return outcome;
        }, cancellationToken);
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

    [LoggerMessage(LogLevel.Warning, "Outbox message {Id} to {Topic} could not be published (attempt {Attempts}); will retry.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, long id, string topic, int attempts);

    [LoggerMessage(LogLevel.Error, "The outbox relay failed; will retry.")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Information, "Deleted {Count} outbox rows published more than a day ago.")]
    private static partial void LogCleaned(ILogger logger, int count);
}
