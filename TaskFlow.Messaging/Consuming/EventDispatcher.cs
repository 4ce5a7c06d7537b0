using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Messaging.Consuming;

/// <summary>One handler consuming one topic as its own consumer group; registered by <c>AddEventConsumer</c>.</summary>
public sealed record EventSubscription(ConsumerRegistration Registration, Type HandlerType)
{
    public string Topic => Registration.Topic;
    public string ConsumerGroup => Registration.ConsumerGroup;
}

public enum DispatchOutcome
{
    Handled,
    /// <summary>The consumer group had already handled this event; nothing was done again.</summary>
    Duplicate,
}

/// <summary>
/// What happens to events for one subscription, whichever transport delivered them: skip those the consumer group
/// already handled, run the handler in a fresh DI scope, and remember what was handled. A handler failure propagates;
/// the transport decides how to retry (Kafka: backoff then dead letter; Dapr: RETRY).
/// </summary>
public sealed partial class EventDispatcher(IEventDeduplicator deduplicator, IServiceScopeFactory scopes, ILogger<EventDispatcher> logger)
{
    /// <summary>One event from start to end (Dapr delivers them one at a time).</summary>
    public async Task<DispatchOutcome> DispatchAsync(EventSubscription subscription, ConsumedEvent consumedEvent, CancellationToken cancellationToken)
    {
        if ((await WithoutHandledAsync(subscription, [consumedEvent], e => e)).Count == 0) return DispatchOutcome.Duplicate;
        await HandleAsync(subscription, consumedEvent, cancellationToken);
        await MarkHandledAsync(subscription, [consumedEvent]);
        return DispatchOutcome.Handled;
    }

    /// <summary>The items whose events the consumer group has not handled yet (one round trip for them all).</summary>
    public async Task<List<T>> WithoutHandledAsync<T>(EventSubscription subscription, IReadOnlyList<T> items, Func<T, ConsumedEvent> eventOf)
    {
        if (subscription.Registration.HandlerSkipsRepeats) return [.. items];
        var handled = await deduplicator.HandledAmongAsync(subscription.ConsumerGroup, items.Select(i => eventOf(i).Envelope.EventId).ToList());
        foreach (var eventId in handled) LogDuplicate(logger, subscription.ConsumerGroup, eventId);
        return handled.Count == 0 ? [.. items] : items.Where(i => !handled.Contains(eventOf(i).Envelope.EventId)).ToList();
    }

    /// <summary>Whether the subscription's handler can take a batch at once (<see cref="IBatchEventHandler"/>).</summary>
    public static bool HandlesBatches(EventSubscription subscription) => typeof(IBatchEventHandler).IsAssignableFrom(subscription.HandlerType);

    /// <summary>Runs the handler for one event; it is not marked handled (see <see cref="MarkHandledAsync"/>).</summary>
    public async Task HandleAsync(EventSubscription subscription, ConsumedEvent consumedEvent, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = (IEventHandler)scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
        await handler.HandleAsync(consumedEvent, cancellationToken);
    }

    /// <summary>Runs a batch handler for many events at once; they are not marked handled.</summary>
    public async Task HandleBatchAsync(EventSubscription subscription, IReadOnlyList<ConsumedEvent> consumedEvents, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = (IBatchEventHandler)scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
        await handler.HandleBatchAsync(consumedEvents, cancellationToken);
    }

    public Task MarkHandledAsync(EventSubscription subscription, IReadOnlyList<ConsumedEvent> consumedEvents) =>
        consumedEvents.Count == 0 || subscription.Registration.HandlerSkipsRepeats
            ? Task.CompletedTask
            : deduplicator.MarkHandledAsync(subscription.ConsumerGroup, consumedEvents.Select(e => e.Envelope.EventId).ToList());

    [LoggerMessage(LogLevel.Debug, "Consumer group {ConsumerGroup} already handled event {EventId}; skipping the redelivery.")]
    private static partial void LogDuplicate(ILogger logger, string consumerGroup, Guid eventId);
}
