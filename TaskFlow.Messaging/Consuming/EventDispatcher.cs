using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Messaging.Consuming;

/// <summary>One handler consuming one topic as its own consumer group; registered by <c>AddEventConsumer</c>.</summary>
public abstract class EventSubscription(ConsumerRegistration registration)
{
    public ConsumerRegistration Registration => registration;
    public string Topic => registration.Topic;
    public string ConsumerGroup => registration.ConsumerGroup;

    /// <summary>Whether the handler can take a batch at once (an <see cref="IBatchEventHandler{TData}"/>).</summary>
    public abstract bool HandlesBatches { get; }

    internal abstract Task HandleAsync(IServiceProvider services, ConsumedEvent<object> consumedEvent, CancellationToken cancellationToken);

    internal abstract Task HandleBatchAsync(IServiceProvider services, IReadOnlyList<ConsumedEvent<object>> consumedEvents, CancellationToken cancellationToken);
}

/// <summary>
/// <typeparamref name="THandler"/> taking the events whose data is a <typeparamref name="TData"/>: the one place the
/// events a transport read are handed over typed.
/// </summary>
public sealed class EventSubscription<THandler, TData>(ConsumerRegistration registration) : EventSubscription(registration)
    where THandler : class, IEventHandler<TData>
    where TData : class
{
    public override bool HandlesBatches { get; } = typeof(IBatchEventHandler<TData>).IsAssignableFrom(typeof(THandler));

    internal override Task HandleAsync(IServiceProvider services, ConsumedEvent<object> consumedEvent, CancellationToken cancellationToken) =>
        consumedEvent.As<TData>() is { } typed
            ? services.GetRequiredService<THandler>().HandleAsync(typed, cancellationToken)
            : Task.CompletedTask;

    internal override Task HandleBatchAsync(IServiceProvider services, IReadOnlyList<ConsumedEvent<object>> consumedEvents, CancellationToken cancellationToken)
    {
        var typed = consumedEvents.Select(e => e.As<TData>()).OfType<ConsumedEvent<TData>>().ToList();
        return typed.Count == 0
            ? Task.CompletedTask
            : ((IBatchEventHandler<TData>)services.GetRequiredService<THandler>()).HandleBatchAsync(typed, cancellationToken);
    }
}

public enum DispatchOutcome
{
    Handled,
    /// <summary>The consumer group had already handled this event; nothing was done again.</summary>
    Duplicate,
}

/// <summary>
/// What happens to events for one subscription, whichever transport delivered them: skip those the consumer group
/// already handled, run the handler in a fresh DI scope with the events of its data type, and remember what was handled
/// (the events it passes by too). A handler failure propagates; the transport decides how to retry (Kafka: backoff then
/// dead letter; Dapr: RETRY).
/// </summary>
public sealed partial class EventDispatcher(IEventDeduplicator deduplicator, IServiceScopeFactory scopes, ILogger<EventDispatcher> logger)
{
    /// <summary>One event from start to end (Dapr delivers them one at a time).</summary>
    public async Task<DispatchOutcome> DispatchAsync(EventSubscription subscription, ConsumedEvent<object> consumedEvent, CancellationToken cancellationToken)
    {
        if ((await WithoutHandledAsync(subscription, [consumedEvent], e => e)).Count == 0) return DispatchOutcome.Duplicate;
        await HandleAsync(subscription, consumedEvent, cancellationToken);
        await MarkHandledAsync(subscription, [consumedEvent]);
        return DispatchOutcome.Handled;
    }

    /// <summary>The items whose events the consumer group has not handled yet (one round trip for them all).</summary>
    public async Task<List<T>> WithoutHandledAsync<T>(EventSubscription subscription, IReadOnlyList<T> items, Func<T, ConsumedEvent<object>> eventOf)
    {
        if (subscription.Registration.HandlerSkipsRepeats) return [.. items];
        var handled = await deduplicator.HandledAmongAsync(subscription.ConsumerGroup, items.Select(i => eventOf(i).Envelope.EventId).ToList());
        foreach (var eventId in handled) LogDuplicate(logger, subscription.ConsumerGroup, eventId);
        return handled.Count == 0 ? [.. items] : items.Where(i => !handled.Contains(eventOf(i).Envelope.EventId)).ToList();
    }

    /// <summary>Runs the handler for one event; it is not marked handled (see <see cref="MarkHandledAsync"/>).</summary>
    public async Task HandleAsync(EventSubscription subscription, ConsumedEvent<object> consumedEvent, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await subscription.HandleAsync(scope.ServiceProvider, consumedEvent, cancellationToken);
    }

    /// <summary>Runs a batch handler for many events at once; they are not marked handled.</summary>
    public async Task HandleBatchAsync(EventSubscription subscription, IReadOnlyList<ConsumedEvent<object>> consumedEvents, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await subscription.HandleBatchAsync(scope.ServiceProvider, consumedEvents, cancellationToken);
    }

    public Task MarkHandledAsync(EventSubscription subscription, IReadOnlyList<ConsumedEvent<object>> consumedEvents) =>
        consumedEvents.Count == 0 || subscription.Registration.HandlerSkipsRepeats
            ? Task.CompletedTask
            : deduplicator.MarkHandledAsync(subscription.ConsumerGroup, consumedEvents.Select(e => e.Envelope.EventId).ToList());

    [LoggerMessage(LogLevel.Debug, "Consumer group {ConsumerGroup} already handled event {EventId}; skipping the redelivery.")]
    private static partial void LogDuplicate(ILogger logger, string consumerGroup, Guid eventId);
}
