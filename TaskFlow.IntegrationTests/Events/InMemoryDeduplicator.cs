using System.Collections.Concurrent;
using TaskFlow.Messaging.Consuming;

namespace TaskFlow.IntegrationTests.Events;

/// <summary>For tests of a consumer in a bare host, with no Redis: remembers handled events in memory.</summary>
internal sealed class InMemoryDeduplicator : IEventDeduplicator
{
    private readonly ConcurrentDictionary<(string, Guid), bool> _handled = new();

    public Task<IReadOnlySet<Guid>> HandledAmongAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds) =>
        Task.FromResult<IReadOnlySet<Guid>>(eventIds.Where(id => _handled.ContainsKey((consumerGroup, id))).ToHashSet());

    public Task MarkHandledAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds)
    {
        foreach (var id in eventIds) _handled[(consumerGroup, id)] = true;
        return Task.CompletedTask;
    }
}
