using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.Kafka;

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
/// What happens to one event for one subscription, whichever transport delivered it: skip it when the consumer
/// group already handled it, else run the handler in a fresh DI scope and remember the event as handled.
/// A handler failure propagates; the transport decides how to retry (Kafka: backoff then dead letter; Dapr: RETRY).
/// </summary>
public sealed partial class EventDispatcher(IEventDeduplicator deduplicator, IServiceScopeFactory scopes, ILogger<EventDispatcher> logger)
{
    public async Task<DispatchOutcome> DispatchAsync(EventSubscription subscription, ConsumedEvent consumedEvent, CancellationToken cancellationToken)
    {
        var eventId = consumedEvent.Envelope.EventId;
        if (await deduplicator.WasHandledAsync(subscription.ConsumerGroup, eventId))
        {
            LogDuplicate(logger, subscription.ConsumerGroup, eventId);
            return DispatchOutcome.Duplicate;
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var handler = (IEventHandler)scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
            await handler.HandleAsync(consumedEvent, cancellationToken);
        }
        await deduplicator.MarkHandledAsync(subscription.ConsumerGroup, eventId);
        return DispatchOutcome.Handled;
    }

    /// <summary>The consumer span both transports open per delivery, joined to the publisher's trace.</summary>
    public static Activity? StartProcessActivity(string topic, string messagingSystem, ActivityContext parent)
    {
        var activity = TraceHeaders.Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }

    [LoggerMessage(LogLevel.Debug, "Consumer group {ConsumerGroup} already handled event {EventId}; skipping the redelivery.")]
    private static partial void LogDuplicate(ILogger logger, string consumerGroup, Guid eventId);
}
