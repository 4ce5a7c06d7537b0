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

/// <summary>
/// A handler that can also take many events at once (for example one multi-row insert). It gets the events of a
/// consumed batch its group has not handled yet, in their order on the topic, in one DI scope. Throwing hands the
/// same events over again one at a time (<see cref="IEventHandler.HandleAsync"/>), so one bad event is retried and
/// dead-lettered alone; whatever the batch did before it threw must therefore be safe to repeat too.
/// </summary>
public interface IBatchEventHandler : IEventHandler
{
    Task HandleBatchAsync(IReadOnlyList<ConsumedEvent> consumedEvents, CancellationToken cancellationToken);
}
