using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using TaskFlow.AppHost;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.Publishing;

namespace TaskFlow.IntegrationTests.Events;

/// <summary>
/// A consumer host handling batches of typed task events, in a bare host against librdkafka's mock cluster (the dev
/// broker): one bad event in a batch is dead-lettered alone, a message that cannot be read as an event is parked at
/// once, and offsets are committed only once the batch is handled.
/// </summary>
public sealed class ConsumerBatchTests : IAsyncLifetime
{
    private const string Topic = "consumer-batch-test";
    private const string Group = "tests-consumer-batch";
    /// <summary>The handler fails on events of this user, alone or in a batch.</summary>
    private const string PoisonUser = "poison";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly DevKafkaBroker _broker = new();
    private readonly HandledEvents _handled = new();
    private string _bootstrapServers = "";
    private IHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _bootstrapServers = _broker.Start(brokerCount: 1, NullLogger.Instance);
        _host = await BareConsumerHost.StartAsync(_bootstrapServers, builder =>
        {
            builder.Services.AddSingleton(_handled);
            builder.AddEventConsumer<RecordingBatchHandler, TaskEventData>(new ConsumerRegistration(Topic, Group, MaxAttempts: 2)
            {
                FirstRetryDelay = TimeSpan.FromMilliseconds(10),
                // Long enough that everything published at once lands in one batch.
                MaxBatchWait = TimeSpan.FromMilliseconds(500),
            });
        });
    }

    [Fact]
    public async Task A_poison_event_in_a_batch_is_dead_lettered_alone_and_the_rest_are_handled_once()
    {
        var good = Enumerable.Range(0, 10).Select(_ => NewMessage("someone")).ToList();
        await PublishAsync(good);
        await WaitUntilAsync(() => _handled.Counts.Count >= 10, "10 good events handled");
        var withPoison = Enumerable.Range(0, 10).Select(n => NewMessage(n == 3 ? PoisonUser : "someone")).ToList();
        await PublishAsync(withPoison);
        var events = good.Concat(withPoison).ToList();

        await WaitUntilAsync(() => _handled.Counts.Count >= 19, "19 good events handled");
        using var deadLetters = NewConsumer("tests-dlq-reader");
        deadLetters.Subscribe(Topics.DeadLetterOf(Topic));
        var parked = ConsumeAll(deadLetters, TimeSpan.FromSeconds(15), expected: 1);

        var poison = withPoison[3];
        Assert.Equal([poison.EventId], parked.Select(p => Guid.Parse(p.Message.Headers.GetString(EventHeaders.EventId)!)));
        Assert.Contains("poison", parked[0].Message.Headers.GetString(DeadLetterHeaders.Error));
        Assert.Equal(events.Where(e => e != poison).Select(e => e.EventId).Order(), _handled.Counts.Keys.Order());
        Assert.All(_handled.Counts, count => Assert.Equal(1, count.Value));
        Assert.True(_handled.Batches.Any(size => size > 1), $"the events were never handled as a batch: batch sizes {string.Join(",", _handled.Batches)}");
    }

    [Fact]
    public async Task Offsets_are_committed_only_after_the_batch_is_handled()
    {
        _handled.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = Enumerable.Range(0, 5).Select(_ => NewMessage("someone")).ToList();
        await PublishAsync(events);
        await WaitUntilAsync(() => _handled.Waiting > 0, "the handler holding a batch");

        using var reader = NewConsumer(Group);
        var partitions = Enumerable.Range(0, PartitionCount()).Select(p => new TopicPartition(Topic, p)).ToList();
        Assert.All(reader.Committed(partitions, TimeSpan.FromSeconds(10)), committed => Assert.True(committed.Offset.Value <= 0,
            $"{committed.TopicPartition} was committed at {committed.Offset} while its batch was still being handled"));

        _handled.Gate.SetResult();
        await WaitUntilAsync(() => reader.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(c => Math.Max(0, c.Offset.Value)) == events.Count,
            "every handled message committed");
        Assert.Equal(events.Count, _handled.Counts.Count);
    }

    [Fact]
    public async Task A_message_that_cannot_be_read_as_its_event_is_parked_at_once_with_the_reason_and_the_rest_are_handled()
    {
        var good = NewMessage("someone");
        var unreadable = new Dictionary<string, OutgoingMessage>
        {
            ["which this service does not read (it reads no version of task.archived)"] = Raw("task.archived", "1.0", new JsonObject { ["task_id"] = 1, ["user_id"] = "u" }),
            ["which this service does not read (it reads 1.0)"] = Raw(TaskEventTypes.Deleted, "2.0", new JsonObject { ["task_id"] = 1, ["user_id"] = "u" }),
            ["is no TaskDeletedData"] = Raw(TaskEventTypes.Deleted, "1.0", new JsonObject { ["task_id"] = 1 }),
            ["is no TaskCreatedData"] = Raw(TaskEventTypes.Created, "1.0", CreatedData(status: "done")),
        };
        await PublishAsync([.. unreadable.Values, good]);

        using var deadLetters = NewConsumer("tests-dlq-reader");
        deadLetters.Subscribe(Topics.DeadLetterOf(Topic));
        var parked = ConsumeAll(deadLetters, TimeSpan.FromSeconds(15), expected: unreadable.Count)
            .ToDictionary(p => Guid.Parse(p.Message.Headers.GetString(EventHeaders.EventId)!));
        await WaitUntilAsync(() => _handled.Counts.ContainsKey(good.EventId), "the good event handled");

        Assert.Equal(unreadable.Values.Select(m => m.EventId).Order(), parked.Keys.Order());
        foreach (var (reason, message) in unreadable)
        {
            var headers = parked[message.EventId].Message.Headers;
            Assert.Contains(reason, headers.GetString(DeadLetterHeaders.Error));
            Assert.Equal("1", headers.GetString(DeadLetterHeaders.Attempts));
        }
        Assert.Equal([good.EventId], _handled.Counts.Keys);
    }

    /// <summary>A task.deleted of <paramref name="userId"/>, as the Api writes one.</summary>
    private static OutgoingMessage NewMessage(string userId)
    {
        var envelope = EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(1, userId), TimeProvider.System);
        return new OutgoingMessage(Topic, "one-key", envelope.EventId, envelope.EventType, EventJson.SerializeToUtf8Bytes(envelope));
    }

    /// <summary>An envelope written by hand, for what no service of ours writes.</summary>
    private static OutgoingMessage Raw(string eventType, string version, JsonObject data)
    {
        var eventId = Guid.CreateVersion7();
        var envelope = new JsonObject
        {
            ["event_id"] = eventId.ToString(),
            ["event_type"] = eventType,
            ["version"] = version,
            ["timestamp"] = "2026-11-30T10:00:00Z",
            ["data"] = data,
        };
        return new OutgoingMessage(Topic, "one-key", eventId, eventType, Encoding.UTF8.GetBytes(envelope.ToJsonString()));
    }

    /// <summary>A task.created's data as the Api writes it, but for <paramref name="status"/>.</summary>
    private static JsonObject CreatedData(string status)
    {
        var data = JsonSerializer.SerializeToNode(new TaskCreatedData(1, "u", "Title", null, TaskEventPriority.Medium, null, null,
            TaskEventStatus.Pending, [], null, "UTC", null, null, null, null, null), EventJson.Options)!.AsObject();
        data["status"] = status;
        return data;
    }

    private async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages)
    {
        var errors = await _host.Services.GetRequiredService<KafkaEventPublisher>().PublishBatchAsync(messages, TestContext.Current.CancellationToken);
        Assert.All(errors, Assert.Null);
    }

    private int PartitionCount()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _bootstrapServers }).Build();
        return admin.GetMetadata(Topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
    }

    private IConsumer<string, byte[]> NewConsumer(string groupId) =>
        new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _bootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
            SessionTimeoutMs = 6000,
            AllowAutoCreateTopics = true,
        }).Build();

    /// <summary>What arrives within <paramref name="window"/>, waiting the whole window once <paramref name="expected"/> came (to see extras).</summary>
    private static List<ConsumeResult<string, byte[]>> ConsumeAll(IConsumer<string, byte[]> consumer, TimeSpan window, int expected)
    {
        var results = new List<ConsumeResult<string, byte[]>>();
        var until = DateTime.UtcNow + window;
        var quietAfterExpected = TimeSpan.FromSeconds(2);
        DateTime? settle = null;
        while (DateTime.UtcNow < (settle ?? until))
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { Message: not null } result) results.Add(result);
            }
            catch (ConsumeException exception) when (!exception.Error.IsFatal)
            {
                // The dead-letter topic exists only once the first message is parked.
            }
            if (settle is null && results.Count >= expected) settle = DateTime.UtcNow + quietAfterExpected;
        }
        return results;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _handled.Gate?.TrySetResult();
        await _host.StopAsync();
        _host.Dispose();
        _broker.Dispose();
    }

    public sealed class HandledEvents
    {
        public ConcurrentDictionary<Guid, int> Counts { get; } = new();
        public ConcurrentQueue<int> Batches { get; } = new();
        /// <summary>When set, handlers wait for it: a batch held in the middle of handling.</summary>
        public TaskCompletionSource? Gate { get; set; }
        public int Waiting;
    }

    /// <summary>Fails on a poison event whether alone or in a batch (a batch with one fails whole, as a real insert would).</summary>
    public sealed class RecordingBatchHandler(HandledEvents handled) : IBatchEventHandler<TaskEventData>
    {
        public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken) =>
            HandleBatchAsync([consumedEvent], cancellationToken);

        public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<TaskEventData>> consumedEvents, CancellationToken cancellationToken)
        {
            if (handled.Gate is { } gate)
            {
                Interlocked.Increment(ref handled.Waiting);
                await gate.Task.WaitAsync(cancellationToken);
            }
            if (consumedEvents.Any(e => e.Data.UserId == PoisonUser))
                throw new InvalidOperationException("poison: this event can never be handled");
            handled.Batches.Enqueue(consumedEvents.Count);
            foreach (var consumedEvent in consumedEvents) handled.Counts.AddOrUpdate(consumedEvent.Envelope.EventId, 1, (_, n) => n + 1);
        }
    }
}
