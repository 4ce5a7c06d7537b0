namespace TaskFlow.Messaging.Publishing;

/// <summary>
/// A message ready for the broker: the envelope's bytes plus what goes into Kafka headers. <paramref name="TraceParent"/>
/// is the trace it continues when it is published later than it was made (the outbox); null: the current activity.
/// </summary>
public sealed record OutgoingMessage(string Topic, string Key, Guid EventId, string EventType, byte[] Payload, string? TraceParent = null);
