using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using TaskFlow.Messaging.Publishing;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Messaging.Kafka;

/// <summary>Publishes straight to Kafka with one long-lived idempotent producer.</summary>
public sealed class KafkaEventPublisher : IEventPublisher, IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private int _disposed;

    public KafkaEventPublisher(KafkaClientFactory clients, Microsoft.Extensions.Hosting.IHostEnvironment environment) =>
        _producer = clients.CreateProducer(environment.ApplicationName);

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var activity = MessagingActivities.StartPublishActivity(message, "kafka");

        var headers = new Headers
        {
            { EventHeaders.EventId, Encoding.ASCII.GetBytes(message.EventId.ToString()) },
            { EventHeaders.EventType, Encoding.UTF8.GetBytes(message.EventType) },
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
