using System.Text.Json;

namespace TaskFlow.Messaging.Events;

/// <summary>
/// The seed's envelope plus <c>event_id</c>: <c>{"event_id", "event_type", "version", "timestamp", "data"}</c>.
/// </summary>
public sealed record EventEnvelope<TData>(
    Guid EventId,
    string EventType,
    string Version,
    DateTimeOffset Timestamp,
    TData Data);

public static class EventEnvelope
{
    public const string CurrentVersion = "1.0";

    public static EventEnvelope<TData> Create<TData>(string eventType, TData data, TimeProvider clock) =>
        Create(Guid.CreateVersion7(clock.GetUtcNow()), eventType, data, clock);

    /// <summary>With a chosen id, for events that must keep their identity when produced again.</summary>
    public static EventEnvelope<TData> Create<TData>(Guid eventId, string eventType, TData data, TimeProvider clock) =>
        new(eventId, eventType, CurrentVersion, clock.GetUtcNow(), data);

    /// <summary>
    /// Reads any envelope, bare or inside a structured CloudEvent (as the Dapr transport carries it), leaving
    /// <c>data</c> as it came (<see cref="EventCatalog.ReadData"/> reads it into its record).
    /// </summary>
    /// <exception cref="JsonException">The payload is not an envelope.</exception>
    public static EventEnvelope<JsonElement> Parse(byte[] utf8Json)
    {
        // Most messages are bare envelopes, read in one pass; one without an event_id may be a CloudEvent around one.
        var envelope = Deserialize(utf8Json);
        if (envelope.EventId == Guid.Empty && CloudEvents.Unwrap(utf8Json) is var payload && !ReferenceEquals(payload, utf8Json))
            envelope = Deserialize(payload);
        if (envelope.EventId == Guid.Empty)
            throw new JsonException("The event has no event_id.");
        if (string.IsNullOrWhiteSpace(envelope.EventType))
            throw new JsonException("The event has no event_type.");
        if (!EventCatalog.IsReadable(envelope.EventType, envelope.Version))
            throw new UnsupportedEventVersionException(envelope);
        return envelope;
    }

    private static EventEnvelope<JsonElement> Deserialize(byte[] utf8Json) =>
        JsonSerializer.Deserialize<EventEnvelope<JsonElement>>(utf8Json, EventJson.Options)
        ?? throw new JsonException("The message is JSON null, not an event envelope.");
}

/// <summary>
/// An event of a type or version this service has no reader for (a newer producer, most likely): it is parked on the
/// dead-letter topic with this reason rather than read as the version it is not.
/// </summary>
public sealed class UnsupportedEventVersionException(EventEnvelope<JsonElement> envelope) : JsonException(
    $"{envelope.EventType} {envelope.EventId} has version '{envelope.Version}', which this service does not read " +
    $"(it reads {Readable(envelope.EventType)}); deploy a reader of that version first.")
{
    /// <summary>The envelope as it came (its data unread).</summary>
    public EventEnvelope<JsonElement> Envelope => envelope;

    private static string Readable(string eventType) =>
        EventCatalog.RecordVersionsOf(eventType).ToList() is { Count: > 0 } versions ? string.Join(", ", versions) : $"no version of {eventType}";
}
