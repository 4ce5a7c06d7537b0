using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Consuming;

/// <summary>
/// The dispatcher both transports hand their events to: each handler gets the events of its data type, typed, in topic
/// order, once per consumer group; the others pass it by.
/// </summary>
public sealed class EventDispatcherTests
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.Parse("2026-11-30T10:00:00Z"));
    private static readonly ConsumerRegistration Registration = new(Topics.TaskEvents, "tests-dispatcher");

    private readonly Received _received = new();
    private readonly RememberingDeduplicator _deduplicator = new();

    [Fact]
    public async Task A_handler_gets_the_event_typed_and_a_redelivery_is_skipped()
    {
        var (dispatcher, subscription) = Dispatcher<TaskHandler, TaskEventData>();
        var created = Consumed(TaskEventTypes.Created, new TaskCreatedData(7, "u", "Plan", null, TaskEventPriority.High, null, null,
            TaskEventStatus.InProgress, [], null, "UTC", null, null, null, null, null));

        var first = await dispatcher.DispatchAsync(subscription, created, CancellationToken.None);
        var again = await dispatcher.DispatchAsync(subscription, created, CancellationToken.None);

        Assert.Equal((DispatchOutcome.Handled, DispatchOutcome.Duplicate), (first, again));
        var received = Assert.IsType<TaskCreatedData>(Assert.Single(_received.Events).Data);
        Assert.Equal((7, TaskEventStatus.InProgress, TaskEventPriority.High), (received.TaskId, received.Status, received.Priority));
        Assert.Equal(created.Envelope.EventId, _received.Events.Single().Envelope.EventId);
    }

    [Fact]
    public async Task An_event_of_another_data_type_passes_the_handler_by_and_counts_as_handled()
    {
        var (dispatcher, subscription) = Dispatcher<TaskHandler, TaskEventData>();
        var reminder = Consumed(ReminderEventTypes.Due, new ReminderDueData(7, "u", "Plan", null, Clock.GetUtcNow(), Clock.GetUtcNow()));

        var outcome = await dispatcher.DispatchAsync(subscription, reminder, CancellationToken.None);

        Assert.Equal(DispatchOutcome.Handled, outcome);
        Assert.Empty(_received.Events);
        Assert.Contains(reminder.Envelope.EventId, _deduplicator.Handled);
    }

    [Fact]
    public async Task A_batch_handler_gets_the_batch_s_events_of_its_type_in_order_in_one_call()
    {
        var (dispatcher, subscription) = Dispatcher<TaskBatchHandler, TaskEventData>();
        var batch = new[]
        {
            Consumed(TaskEventTypes.Deleted, new TaskDeletedData(1, "u")),
            Consumed(ReminderEventTypes.Due, new ReminderDueData(2, "u", "Plan", null, Clock.GetUtcNow(), Clock.GetUtcNow())),
            Consumed(TaskEventTypes.Updated, new TaskUpdatedData(3, "u", new Dictionary<string, FieldChange> { ["title"] = new("a", "b") })),
        };

        await dispatcher.HandleBatchAsync(subscription, batch, CancellationToken.None);

        Assert.True(subscription.HandlesBatches);
        Assert.Equal([2], _received.BatchSizes);
        Assert.Equal([1, 3], _received.Events.Select(e => e.Data.TaskId));
        Assert.IsType<TaskUpdatedData>(_received.Events[1].Data);
    }

    [Fact]
    public void A_handler_that_takes_one_event_at_a_time_does_not_handle_batches()
    {
        Assert.False(Dispatcher<TaskHandler, TaskEventData>().Subscription.HandlesBatches);
    }

    private (EventDispatcher Dispatcher, EventSubscription Subscription) Dispatcher<THandler, TData>()
        where THandler : class, IEventHandler<TData>
        where TData : class
    {
        var services = new ServiceCollection().AddSingleton(_received).AddScoped<THandler>().BuildServiceProvider();
        return (new EventDispatcher(_deduplicator, services.GetRequiredService<IServiceScopeFactory>(), NullLogger<EventDispatcher>.Instance),
            new EventSubscription<THandler, TData>(Registration));
    }

    /// <summary>The event as a transport reads it off the topic: serialized, then read back through the catalog.</summary>
    private static ConsumedEvent<object> Consumed<TData>(string eventType, TData data) =>
        ConsumedEvent.Read(Topics.TaskEvents, 0, 0, null, EventJson.SerializeToUtf8Bytes(EventEnvelope.Create(eventType, data, Clock)));

    private sealed class Received
    {
        public List<ConsumedEvent<TaskEventData>> Events { get; } = [];
        public List<int> BatchSizes { get; } = [];
    }

    private sealed class TaskHandler(Received received) : IEventHandler<TaskEventData>
    {
        public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken)
        {
            received.Events.Add(consumedEvent);
            return Task.CompletedTask;
        }
    }

    private sealed class TaskBatchHandler(Received received) : IBatchEventHandler<TaskEventData>
    {
        public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken) =>
            HandleBatchAsync([consumedEvent], cancellationToken);

        public Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<TaskEventData>> consumedEvents, CancellationToken cancellationToken)
        {
            received.BatchSizes.Add(consumedEvents.Count);
            received.Events.AddRange(consumedEvents);
            return Task.CompletedTask;
        }
    }

    /// <summary>What the consumer group has handled, in memory.</summary>
    private sealed class RememberingDeduplicator : IEventDeduplicator
    {
        public HashSet<Guid> Handled { get; } = [];

        public Task<IReadOnlySet<Guid>> HandledAmongAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds) =>
            Task.FromResult<IReadOnlySet<Guid>>(eventIds.Where(Handled.Contains).ToHashSet());

        public Task MarkHandledAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds)
        {
            Handled.UnionWith(eventIds);
            return Task.CompletedTask;
        }
    }
}
