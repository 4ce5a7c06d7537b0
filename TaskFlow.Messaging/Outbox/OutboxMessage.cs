using TaskFlow.Messaging.Publishing;

namespace TaskFlow.Messaging.Outbox;

/// <summary>An event waiting to be published; written in the same transaction as the change it describes.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Topic { get; init; }
    public required string Key { get; init; }
    public required Guid EventId { get; init; }
    public required string EventType { get; init; }
    /// <summary>The envelope's exact bytes as text (not jsonb, which would reorder its fields).</summary>
    public required string Payload { get; init; }
    /// <summary>The W3C trace of the request that caused the event, so the relay's publish joins that trace.</summary>
    public string? TraceParent { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    public OutgoingMessage ToOutgoing() =>
        new(Topic, Key, EventId, EventType, System.Text.Encoding.UTF8.GetBytes(Payload), TraceParent);
}
