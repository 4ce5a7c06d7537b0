using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// A message ready for the broker: the envelope's bytes plus what goes into Kafka headers. <paramref name="TraceParent"/>
/// is the trace it continues when it is published later than it was made (the outbox); null: the current activity.
/// </summary>
public sealed record OutgoingMessage(string Topic, string Key, Guid EventId, string EventType, byte[] Payload, string? TraceParent = null);

public interface IEventPublisher
{
    /// <summary>Completes when the broker has acknowledged the message (acks=all); throws when it could not.</summary>
    Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes many messages at once, keeping their order within each key. Completes when every message is
    /// acknowledged or has failed: entry i of the result is null when message i was acknowledged, else its error.
    /// </summary>
    Task<Exception?[]> PublishBatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);
}

/// <summary>Publishes straight to Kafka with one long-lived idempotent producer.</summary>
public sealed class KafkaEventPublisher : IEventPublisher, IDisposable
{
    public const string EventIdHeader = "event_id";
    public const string EventTypeHeader = "event_type";

    private readonly IProducer<string, byte[]> _producer;
    private int _disposed;

    public KafkaEventPublisher(KafkaClientFactory clients, Microsoft.Extensions.Hosting.IHostEnvironment environment) =>
        _producer = clients.CreateProducer(environment.ApplicationName);

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var activity = TraceHeaders.StartPublishActivity(message, "kafka");

        var headers = new Headers
        {
            { EventIdHeader, Encoding.ASCII.GetBytes(message.EventId.ToString()) },
            { EventTypeHeader, Encoding.UTF8.GetBytes(message.EventType) },
        };
        TraceHeaders.Inject(activity ?? Activity.Current, headers);

        await _producer.ProduceAsync(
            message.Topic,
            new Message<string, byte[]> { Key = message.Key, Value = message.Payload, Headers = headers },
            cancellationToken);
    }

    /// <summary>
    /// Every message is handed to the producer before any is awaited: librdkafka then sends them in batches, many in
    /// flight, and the idempotent producer keeps the order in which they were handed over within each partition.
    /// </summary>
    public async Task<Exception?[]> PublishBatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var deliveries = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++) deliveries[i] = PublishAsync(messages[i], cancellationToken);
        var errors = new Exception?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            try { await deliveries[i]; }
            catch (Exception exception) { errors[i] = exception; }
        }
        return errors;
    }

    /// <summary>Re-publishes a message as it came, headers included (dead-lettering).</summary>
    public Task ProduceRawAsync(string topic, string? key, byte[] value, Headers headers, CancellationToken cancellationToken) =>
        _producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key!, Value = value, Headers = headers }, cancellationToken);

    public void Dispose()
    {
        // The container disposes this once as itself and once more as the IEventPublisher its factory returned.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
