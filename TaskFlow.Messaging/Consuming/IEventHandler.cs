using System.Text.Json;

namespace TaskFlow.Messaging.Consuming;

/// <summary>A message taken off a topic, with its envelope already read.</summary>
public sealed record ConsumedEvent(
    string Topic,
    int Partition,
    long Offset,
    string? Key,
    Events.EventEnvelope<JsonElement> Envelope);

/// <summary>
/// One service's reaction to events. Called once per event (after de-duplication, in a fresh DI scope);
/// throwing means "try again", so whatever it does must be safe to repeat.
/// </summary>
public interface IEventHandler
{
    Task HandleAsync(ConsumedEvent consumedEvent, CancellationToken cancellationToken);
}
