using System.Collections.Concurrent;
using TaskFlow.Messaging.Consuming;

namespace TaskFlow.Tests.Events;

/// <summary>For tests of a consumer in a bare host, with no Redis: remembers handled events in memory.</summary>
internal sealed class InMemoryDeduplicator : IEventDeduplicator
{
    private readonly ConcurrentDictionary<(string, Guid), bool> _handled = new();

    public Task<bool> WasHandledAsync(string consumerGroup, Guid eventId) => Task.FromResult(_handled.ContainsKey((consumerGroup, eventId)));

    public Task MarkHandledAsync(string consumerGroup, Guid eventId)
    {
        _handled[(consumerGroup, eventId)] = true;
        return Task.CompletedTask;
    }
}
