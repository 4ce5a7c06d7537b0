namespace TaskFlow.Messaging.Publishing;

/// <summary>Puts events on their topics, whichever the transport (Kafka itself, or a Dapr sidecar).</summary>
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
