using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// Runs one consumer group on one topic for its subscription's handler, a batch of ready messages at a time: reads
/// each into its typed event (one that cannot be read, such as a version without a reader, is parked at once), skips
/// events the group already handled, hands the rest to the handler (all at once when it is an
/// <see cref="IBatchEventHandler{TData}"/>; one by one when it is not, or when the batch failed), retries a failing
/// event with backoff, parks it on <c>&lt;topic&gt;.dlq</c> with the error in headers after the last attempt, and
/// commits the batch's offsets only once every message in it is dealt with (at-least-once).
/// </summary>
public sealed partial class KafkaConsumerHost(
    EventSubscription subscription,
    KafkaClientFactory clients,
    KafkaEventPublisher deadLetters,
    EventDispatcher dispatcher,
    TimeProvider clock,
    ILogger<KafkaConsumerHost> logger) : BackgroundService
{
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DependencyRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConsumerRegistration _registration = subscription.Registration;
    private readonly KeyValuePair<string, object?>[] _tags =
    [
        new("messaging.consumer.group.name", subscription.ConsumerGroup),
        new("messaging.destination.name", subscription.Topic),
    ];
    private readonly HashSet<TopicPartition> _lagReported = [];

    /// <summary>A consumed message that could be read as an event.</summary>
    private sealed record Delivery(ConsumeResult<string, byte[]> Result, ConsumedEvent<object> Event);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        OwnThread.Run(() => ConsumeLoop(stoppingToken), stoppingToken);

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        using var consumer = clients.CreateConsumer(_registration.ConsumerGroup, $"{_registration.ConsumerGroup}-{Environment.ProcessId}");
        consumer.Subscribe(_registration.Topic);
        LogStarted(logger, _registration.ConsumerGroup, _registration.Topic);
        var component = PipelineHealth.Consumer(_registration.ConsumerGroup);
        PipelineHealth.Working(component);
        var nextLagReport = Stopwatch.StartNew();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // An idle consumer comes back every LagInterval, so its lag is reported as it drops to nothing.
                var batch = consumer.ConsumeBatch(_registration.MaxBatchSize, _registration.MaxBatchWait, idleWait: LagInterval,
                    reason => LogConsumeError(logger, _registration.ConsumerGroup, reason), stoppingToken);
                if (batch.Count > 0)
                {
                    ProcessBatch(batch, stoppingToken);
                    TryCommit(consumer, batch);
                }
                // Here only when the batch is dealt with: whatever held it up has passed.
                PipelineHealth.Working(component);
                if (nextLagReport.Elapsed >= LagInterval)
                {
                    ReportLag(consumer);
                    nextLagReport.Restart();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var partition in _lagReported) MessagingMetrics.ForgetLag(_registration.ConsumerGroup, partition.Topic, partition.Partition.Value);
            consumer.Close();
        }
    }

    /// <summary>
    /// Commits, per partition, the offset after the batch's last message there. A commit refused because the group is
    /// rebalancing (or this member was fenced out of it) is not an error: the partition's next owner starts from the
    /// last committed offset and skips (by event id) what was handled here. Letting it throw would stop the whole
    /// service.
    /// </summary>
    private void TryCommit(IConsumer<string, byte[]> consumer, List<ConsumeResult<string, byte[]>> batch)
    {
        var offsets = batch
            .GroupBy(result => result.TopicPartition)
            .Select(partition => new TopicPartitionOffset(partition.Key, partition.Max(result => result.Offset.Value) + 1))
            .ToList();
        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException exception) when (!exception.Error.IsFatal)
        {
            LogCommitRefused(logger, _registration.ConsumerGroup, string.Join(", ", offsets), exception.Error.Reason);
        }
    }

    /// <summary>Lag per assigned partition from what the client already knows (no request to the broker).</summary>
    private void ReportLag(IConsumer<string, byte[]> consumer)
    {
        var assigned = consumer.Assignment;
        foreach (var partition in _lagReported.Except(assigned).ToList())
        {
            MessagingMetrics.ForgetLag(_registration.ConsumerGroup, partition.Topic, partition.Partition.Value);
            _lagReported.Remove(partition);
        }
        foreach (var partition in assigned)
        {
            try
            {
                var high = consumer.GetWatermarkOffsets(partition).High;
                var position = consumer.Position(partition);
                if (high == Offset.Unset || position == Offset.Unset) continue;
                MessagingMetrics.RecordLag(_registration.ConsumerGroup, partition.Topic, partition.Partition.Value, high.Value - position.Value);
                _lagReported.Add(partition);
            }
            catch (KafkaException)
            {
                // Not known yet (nothing fetched from that partition): reported next time.
            }
        }
    }

    /// <summary>
    /// Synchronous on the loop's own thread, each asynchronous step awaited with GetResult (see <see cref="OwnThread"/>):
    /// every handler is entered from this thread, not from wherever the previous step's continuation ran.
    /// </summary>
    private void ProcessBatch(List<ConsumeResult<string, byte[]>> batch, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        var deliveries = new List<Delivery>(batch.Count);
        foreach (var result in batch)
        {
            try
            {
                deliveries.Add(new Delivery(result, ConsumedEvent.Read(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value)));
            }
            catch (JsonException exception)
            {
                // No envelope, a type or version without a reader, data that does not fit its record: reading it again
                // will not change that, so park it at once instead of retrying.
                LogMalformed(logger, _registration.ConsumerGroup, result.TopicPartitionOffset.ToString(), exception.Message);
                DeadLetterAsync(result, exception, attempts: 1, firstFailedAt: clock.GetUtcNow(), stoppingToken).GetAwaiter().GetResult();
            }
        }

        var fresh = UntilAvailable(() => dispatcher.WithoutHandledAsync(subscription, deliveries, d => d.Event), stoppingToken);
        var handled = fresh;
        if (fresh.Count > 0 && !(subscription.HandlesBatches && TryHandleAtOnce(fresh, stoppingToken)))
        {
            handled = new List<Delivery>(fresh.Count);
            foreach (var delivery in fresh)
            {
                if (HandleWithRetriesAsync(delivery, stoppingToken).GetAwaiter().GetResult()) handled.Add(delivery);
            }
        }
        UntilAvailable(async () =>
        {
            await dispatcher.MarkHandledAsync(subscription, handled.Select(d => d.Event).ToList());
            return true;
        }, stoppingToken);

        var now = clock.GetUtcNow();
        MessagingMetrics.ConsumedMessages.Add(batch.Count, _tags);
        MessagingMetrics.ProcessDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _tags);
        foreach (var delivery in handled) MessagingMetrics.EventLatency.Record((now - delivery.Event.Envelope.Timestamp).TotalSeconds, _tags);
    }

    /// <summary>
    /// The batch handler with every event at once; false (nothing to mark: each is then handled on its own, with
    /// retries, so one bad event is dead-lettered alone) when it threw.
    /// </summary>
    private bool TryHandleAtOnce(List<Delivery> deliveries, CancellationToken stoppingToken)
    {
        // One span per event, each a child of its own publisher's span, side by side: each started span would become
        // the current one and so the parent of the next (a chain 500 deep, which every later span walks).
        var outer = Activity.Current;
        var activities = new List<Activity?>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            activities.Add(StartProcessActivity(delivery));
            Activity.Current = outer;
        }
        try
        {
            dispatcher.HandleBatchAsync(subscription, deliveries.Select(d => d.Event).ToList(), stoppingToken).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogBatchFailed(logger, exception, _registration.ConsumerGroup, deliveries.Count);
            return false;
        }
        finally
        {
            foreach (var activity in activities) activity?.Dispose();
        }
    }

    private async Task<bool> HandleWithRetriesAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        using var activity = StartProcessActivity(delivery);
        var eventId = delivery.Event.Envelope.EventId;
        DateTimeOffset? firstFailedAt = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dispatcher.HandleAsync(subscription, delivery.Event, stoppingToken);
                return true;
            }
            catch (Exception exception) when (TransientFailures.IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                // A dependency is down, not this event: wait for it without using up the event's attempts.
                attempt--;
                await WaitForDependencyAsync(exception, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                firstFailedAt ??= clock.GetUtcNow();
                if (attempt >= _registration.MaxAttempts)
                {
                    LogGaveUp(logger, exception, _registration.ConsumerGroup, eventId, attempt);
                    activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                    await DeadLetterAsync(delivery.Result, exception, attempt, firstFailedAt.Value, stoppingToken);
                    return false;
                }
                var delay = RetryDelay.Doubling(_registration.FirstRetryDelay, attempt, _registration.MaxRetryDelay);
                LogRetrying(logger, exception, _registration.ConsumerGroup, eventId, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> until it gets past transient failures (Redis or the database down), or the service stops.</summary>
    private T UntilAvailable<T>(Func<Task<T>> work, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return work().GetAwaiter().GetResult();
            }
            catch (Exception exception) when (TransientFailures.IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                WaitForDependencyAsync(exception, stoppingToken).GetAwaiter().GetResult();
            }
        }
    }

    private Task WaitForDependencyAsync(Exception exception, CancellationToken stoppingToken)
    {
        LogDependencyUnavailable(logger, exception, _registration.ConsumerGroup, DependencyRetryDelay.TotalSeconds);
        PipelineHealth.HeldUpBy(PipelineHealth.Consumer(_registration.ConsumerGroup), $"waits for a dependency: {exception.Message}");
        return Task.Delay(DependencyRetryDelay, clock, stoppingToken);
    }

    private Activity? StartProcessActivity(Delivery delivery)
    {
        var result = delivery.Result;
        var activity = MessagingActivities.StartProcessActivity(result.Topic, "kafka", TraceHeaders.Extract(result.Message.Headers));
        activity?.SetTag("messaging.consumer.group.name", _registration.ConsumerGroup);
        activity?.SetTag("messaging.kafka.offset", result.Offset.Value);
        activity?.SetTag("messaging.message.id", delivery.Event.Envelope.EventId);
        activity?.SetTag("taskflow.event_type", delivery.Event.Envelope.EventType);
        return activity;
    }

    private async Task DeadLetterAsync(ConsumeResult<string, byte[]> result, Exception error, int attempts, DateTimeOffset firstFailedAt, CancellationToken stoppingToken)
    {
        var deadLetterTopic = Topics.DeadLetterOf(result.Topic);
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? []) headers.Add(header.Key, header.GetValueBytes());
        headers.Add(DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(error.Message));
        headers.Add(DeadLetterHeaders.ErrorType, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(result.Topic));
        headers.Add(DeadLetterHeaders.SourcePartition, Encoding.ASCII.GetBytes(result.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.SourceOffset, Encoding.ASCII.GetBytes(result.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.ConsumerGroup, Encoding.UTF8.GetBytes(_registration.ConsumerGroup));
        headers.Add(DeadLetterHeaders.Attempts, Encoding.ASCII.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.FirstFailedAt, Encoding.ASCII.GetBytes(firstFailedAt.ToString("O", CultureInfo.InvariantCulture)));

        // Parking must not fail silently: keep trying until the broker takes it, or we are stopped (then redelivery).
        while (true)
        {
            try
            {
                await deadLetters.ProduceRawAsync(deadLetterTopic, result.Message.Key, result.Message.Value, headers, stoppingToken);
                LogDeadLettered(logger, _registration.ConsumerGroup, result.TopicPartitionOffset.ToString(), deadLetterTopic);
                MessagingMetrics.DeadLettered.Add(1, _tags);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogDeadLetterFailed(logger, exception, deadLetterTopic);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup} waits for a dependency that is unavailable; trying again in {Seconds} s.")]
    private static partial void LogDependencyUnavailable(ILogger logger, Exception exception, string consumerGroup, double seconds);

    [LoggerMessage(LogLevel.Information, "Consumer group {ConsumerGroup} subscribed to {Topic}.")]
    private static partial void LogStarted(ILogger logger, string consumerGroup, string topic);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup} failed on a batch of {Count} events; handling them one by one.")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string consumerGroup, int count);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup} could not consume: {Reason}")]
    private static partial void LogConsumeError(ILogger logger, string consumerGroup, string reason);

    [LoggerMessage(LogLevel.Information, "Consumer group {ConsumerGroup} could not commit {Position} ({Reason}); its next owner may see it again and skips it.")]
    private static partial void LogCommitRefused(ILogger logger, string consumerGroup, string position, string reason);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup}: message at {Position} cannot be read as an event ({Reason}); dead-lettering it.")]
    private static partial void LogMalformed(ILogger logger, string consumerGroup, string position, string reason);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup} failed on event {EventId} (attempt {Attempt}); retrying in {DelayMs} ms.")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string consumerGroup, Guid eventId, int attempt, double delayMs);

    [LoggerMessage(LogLevel.Error, "Consumer group {ConsumerGroup} gave up on event {EventId} after {Attempts} attempts.")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string consumerGroup, Guid eventId, int attempts);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup} parked the message at {Position} on {DeadLetterTopic}.")]
    private static partial void LogDeadLettered(ILogger logger, string consumerGroup, string position, string deadLetterTopic);

    [LoggerMessage(LogLevel.Error, "Could not publish to {DeadLetterTopic}; trying again.")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string deadLetterTopic);
}
