using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Kafka;

namespace TaskFlow.Messaging.Consuming;

/// <summary>How one service consumes one topic.</summary>
public sealed record ConsumerRegistration(string Topic, string ConsumerGroup, int MaxAttempts = 5)
{
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Runs one consumer group on one topic for <typeparamref name="THandler"/>: skips events the group already
/// handled, retries a failing event with backoff, parks it on <c>&lt;topic&gt;.dlq</c> with the error in headers
/// after the last attempt, and commits the offset only once the event is dealt with (at-least-once).
/// </summary>
public sealed partial class KafkaConsumerHost<THandler>(
    ConsumerRegistration registration,
    KafkaClientFactory clients,
    KafkaEventPublisher deadLetters,
    EventDispatcher dispatcher,
    ILogger<KafkaConsumerHost<THandler>> logger) : BackgroundService
    where THandler : class, IEventHandler
{
    private readonly EventSubscription _subscription = new(registration, typeof(THandler));

    public const string ErrorHeader = "dlq_error";
    public const string ErrorTypeHeader = "dlq_error_type";
    public const string SourceTopicHeader = "dlq_source_topic";
    public const string SourcePartitionHeader = "dlq_source_partition";
    public const string SourceOffsetHeader = "dlq_source_offset";
    public const string ConsumerGroupHeader = "dlq_consumer_group";
    public const string AttemptsHeader = "dlq_attempts";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        OwnThread.Run(() => ConsumeLoop(stoppingToken), stoppingToken);

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        using var consumer = clients.CreateConsumer(registration.ConsumerGroup, $"{registration.ConsumerGroup}-{Environment.ProcessId}");
        consumer.Subscribe(registration.Topic);
        LogStarted(logger, registration.ConsumerGroup, registration.Topic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = consumer.ConsumeNext(reason => LogConsumeError(logger, registration.ConsumerGroup, reason), stoppingToken);
                if (result is null) continue;

                ProcessAsync(result, stoppingToken).GetAwaiter().GetResult();
                TryCommit(consumer, result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>
    /// A commit refused because the group is rebalancing (or this member was fenced out of it) is not an error: the
    /// partition's next owner starts from the last committed offset and the deduplicator skips what was handled here.
    /// Letting it throw would stop the whole service.
    /// </summary>
    private void TryCommit(IConsumer<string, byte[]> consumer, ConsumeResult<string, byte[]> result)
    {
        try
        {
            consumer.Commit(result);
        }
        catch (KafkaException exception) when (!exception.Error.IsFatal)
        {
            LogCommitRefused(logger, registration.ConsumerGroup, result.TopicPartitionOffset.ToString(), exception.Error.Reason);
        }
    }

    private async Task ProcessAsync(ConsumeResult<string, byte[]> result, CancellationToken stoppingToken)
    {
        using var activity = EventDispatcher.StartProcessActivity(result.Topic, "kafka", TraceHeaders.Extract(result.Message.Headers));
        activity?.SetTag("messaging.consumer.group.name", registration.ConsumerGroup);
        activity?.SetTag("messaging.kafka.offset", result.Offset.Value);

        EventEnvelope<JsonElement> envelope;
        try
        {
            envelope = EventEnvelope.Parse(result.Message.Value);
        }
        catch (JsonException exception)
        {
            // A message that is not an envelope will never parse: park it at once instead of retrying.
            LogMalformed(logger, registration.ConsumerGroup, result.TopicPartitionOffset.ToString(), exception.Message);
            await DeadLetterAsync(result, exception, attempts: 1, stoppingToken);
            return;
        }

        activity?.SetTag("messaging.message.id", envelope.EventId);
        activity?.SetTag("taskflow.event_type", envelope.EventType);
        var consumedEvent = new ConsumedEvent(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, envelope);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dispatcher.DispatchAsync(_subscription, consumedEvent, stoppingToken);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt >= registration.MaxAttempts)
                {
                    LogGaveUp(logger, exception, registration.ConsumerGroup, envelope.EventId, attempt);
                    activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                    await DeadLetterAsync(result, exception, attempt, stoppingToken);
                    return;
                }
                var delay = RetryDelay.Doubling(registration.FirstRetryDelay, attempt, registration.MaxRetryDelay);
                LogRetrying(logger, exception, registration.ConsumerGroup, envelope.EventId, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<string, byte[]> result, Exception error, int attempts, CancellationToken stoppingToken)
    {
        var deadLetterTopic = Topics.DeadLetterOf(result.Topic);
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? []) headers.Add(header.Key, header.GetValueBytes());
        headers.Add(ErrorHeader, Encoding.UTF8.GetBytes(error.Message));
        headers.Add(ErrorTypeHeader, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(SourceTopicHeader, Encoding.UTF8.GetBytes(result.Topic));
        headers.Add(SourcePartitionHeader, Encoding.ASCII.GetBytes(result.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceOffsetHeader, Encoding.ASCII.GetBytes(result.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(ConsumerGroupHeader, Encoding.UTF8.GetBytes(registration.ConsumerGroup));
        headers.Add(AttemptsHeader, Encoding.ASCII.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));

        // Parking must not fail silently: keep trying until the broker takes it, or we are stopped (then redelivery).
        while (true)
        {
            try
            {
                await deadLetters.ProduceRawAsync(deadLetterTopic, result.Message.Key, result.Message.Value, headers, stoppingToken);
                LogDeadLettered(logger, registration.ConsumerGroup, result.TopicPartitionOffset.ToString(), deadLetterTopic);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogDeadLetterFailed(logger, exception, deadLetterTopic);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Consumer group {ConsumerGroup} subscribed to {Topic}.")]
    private static partial void LogStarted(ILogger logger, string consumerGroup, string topic);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup} could not consume: {Reason}")]
    private static partial void LogConsumeError(ILogger logger, string consumerGroup, string reason);

    [LoggerMessage(LogLevel.Information, "Consumer group {ConsumerGroup} could not commit {Position} ({Reason}); its next owner may see it again and skips it.")]
    private static partial void LogCommitRefused(ILogger logger, string consumerGroup, string position, string reason);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup}: message at {Position} is not an event envelope ({Reason}); dead-lettering it.")]
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
