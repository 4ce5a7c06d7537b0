using System.Collections.Concurrent;
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
/// A consumer host in a bare host against librdkafka's mock cluster (the dev broker): its loop, which blocks in
/// Consume() between messages, must never do so on a thread-pool thread. When it did, each consumer held a pool
/// thread for good and a two-core machine answered requests seconds late (reminders fired up to a second late).
/// </summary>
public sealed class ConsumerThreadTests : IAsyncLifetime
{
    private const string Topic = "consumer-thread-test";

    private readonly DevKafkaBroker _broker = new();
    private IHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        var bootstrapServers = _broker.Start(brokerCount: 1, NullLogger.Instance);
        _host = await BareConsumerHost.StartAsync(bootstrapServers, builder =>
        {
            builder.Services.AddSingleton<HandlerThreads>();
            builder.AddEventConsumer<ThreadRecordingHandler, TaskEventData>(new ConsumerRegistration(Topic, "tests-consumer-thread"));
        });
    }

    [Fact]
    public async Task The_consume_loop_keeps_its_own_thread_after_awaiting_a_handler()
    {
        var publisher = _host.Services.GetRequiredService<KafkaEventPublisher>();
        for (var n = 0; n < 3; n++)
        {
            var envelope = EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(n, "someone"), TimeProvider.System);
            // One key: one partition, so the three arrive in order on one consumer.
            await publisher.PublishAsync(new OutgoingMessage(Topic, "key", envelope.EventId, envelope.EventType, EventJson.SerializeToUtf8Bytes(envelope)),
                TestContext.Current.CancellationToken);
        }

        var threads = _host.Services.GetRequiredService<HandlerThreads>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (threads.Entries.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(100, TestContext.Current.CancellationToken);

        Assert.Equal(3, threads.Entries.Count);
        // Each handler is entered from the loop; the 2nd and 3rd come after the loop awaited an asynchronous handler.
        Assert.All(threads.Entries, onPoolThread => Assert.False(onPoolThread, "a handler was entered from the thread pool: the consume loop had moved there"));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _broker.Dispose();
    }

    private sealed class HandlerThreads
    {
        public ConcurrentQueue<bool> Entries { get; } = new();
    }

    private sealed class ThreadRecordingHandler(HandlerThreads threads) : IEventHandler<TaskEventData>
    {
        public async Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken)
        {
            threads.Entries.Enqueue(Thread.CurrentThread.IsThreadPoolThread);
            // Real handlers do I/O: this continuation, and what the loop does after it, resume on the thread pool.
            await Task.Delay(20, cancellationToken);
        }
    }
}
