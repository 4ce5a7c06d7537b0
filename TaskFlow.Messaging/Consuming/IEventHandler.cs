using System.Text.Json;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Messaging.Consuming;

/// <summary>
/// A message taken off a topic: where it was, its envelope as it came (<c>Envelope.Data</c> is the data as sent), and
/// its data read into the record <see cref="EventCatalog"/> names for its type and version.
/// </summary>
public sealed record ConsumedEvent<TData>(
    string Topic,
    int Partition,
    long Offset,
    string? Key,
    EventEnvelope<JsonElement> Envelope,
    TData Data) where TData : class
{
    /// <summary>The same event for a handler of <typeparamref name="T"/>; null when its data is no <typeparamref name="T"/>.</summary>
    public ConsumedEvent<T>? As<T>() where T : class =>
        Data is T data ? new ConsumedEvent<T>(Topic, Partition, Offset, Key, Envelope, data) : null;
}

public static class ConsumedEvent
{
    /// <summary>A message as an event whose data is read into its record (once, for every handler of it).</summary>
    /// <exception cref="JsonException">
    /// The message is no envelope, the catalog has no record for its type and version
    /// (<see cref="UnsupportedEventVersionException"/>), or its data does not fit that record: it never will be read, so
    /// the transport parks it at once.
    /// </exception>
    public static ConsumedEvent<object> Read(string topic, int partition, long offset, string? key, byte[] message)
    {
        var envelope = EventEnvelope.Parse(message);
        return new ConsumedEvent<object>(topic, partition, offset, key, envelope, EventCatalog.ReadData(envelope));
    }
}

/// <summary>
/// One service's reaction to the events whose data is a <typeparamref name="TData"/> (for <c>task-events</c>,
/// <see cref="TaskEventData"/>: switch over the three task events). Called once per event (after de-duplication, in a
/// fresh DI scope); events of the topic whose data is something else pass it by. Throwing means "try again", so
/// whatever it does must be safe to repeat.
/// </summary>
public interface IEventHandler<TData> where TData : class
{
    Task HandleAsync(ConsumedEvent<TData> consumedEvent, CancellationToken cancellationToken);
}

/// <summary>
/// A handler that can also take many events at once (for example one multi-row insert). It gets the events of a
/// consumed batch its group has not handled yet, in their order on the topic, in one DI scope. Throwing hands the
/// same events over again one at a time (<see cref="IEventHandler{TData}.HandleAsync"/>), so one bad event is retried
/// and dead-lettered alone; whatever the batch did before it threw must therefore be safe to repeat too.
/// </summary>
public interface IBatchEventHandler<TData> : IEventHandler<TData> where TData : class
{
    Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<TData>> consumedEvents, CancellationToken cancellationToken);
}
