using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace TaskFlow.Messaging.Kafka;

/// <summary>A message ready for the broker: the envelope's bytes plus what goes into Kafka headers.</summary>
public sealed record OutgoingMessage(string Topic, string Key, Guid EventId, string EventType, byte[] Payload);

public interface IEventPublisher
{
    /// <summary>Completes when the broker has acknowledged the message (acks=all); throws when it could not.</summary>
    Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken);
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
