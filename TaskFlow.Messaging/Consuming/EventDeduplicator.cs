using StackExchange.Redis;

namespace TaskFlow.Messaging.Consuming;

/// <summary>Remembers which events a consumer group has fully handled, so a redelivery is skipped.</summary>
public interface IEventDeduplicator
{
    /// <summary>Those of <paramref name="eventIds"/> the group has already handled.</summary>
    Task<IReadOnlySet<Guid>> HandledAmongAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds);

    Task MarkHandledAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds);
}

/// <summary>
/// One key per handled event; a batch's look-ups (and marks) are sent together, one round trip for the batch.
/// Keys live a little longer than the longest topic retention (7 days): a message older than that can no longer be
/// redelivered.
/// </summary>
public sealed class RedisEventDeduplicator(IConnectionMultiplexer redis) : IEventDeduplicator
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(8);

    public async Task<IReadOnlySet<Guid>> HandledAmongAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds)
    {
        var database = redis.GetDatabase();
        var lookups = eventIds.Select(id => (Id: id, Exists: database.KeyExistsAsync(KeyOf(consumerGroup, id)))).ToList();
        await Task.WhenAll(lookups.Select(lookup => lookup.Exists));
        return lookups.Where(lookup => lookup.Exists.Result).Select(lookup => lookup.Id).ToHashSet();
    }

    public Task MarkHandledAsync(string consumerGroup, IReadOnlyCollection<Guid> eventIds)
    {
        var database = redis.GetDatabase();
        return Task.WhenAll(eventIds.Select(id => database.StringSetAsync(KeyOf(consumerGroup, id), 1, KeyLifetime)));
    }

    private static RedisKey KeyOf(string consumerGroup, Guid eventId) => $"handled:{consumerGroup}:{eventId:N}";
}
