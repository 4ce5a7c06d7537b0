using StackExchange.Redis;

namespace TaskFlow.Messaging.Consuming;

/// <summary>Remembers which events a consumer group has fully handled, so a redelivery is skipped.</summary>
public interface IEventDeduplicator
{
    Task<bool> WasHandledAsync(string consumerGroup, Guid eventId);
    Task MarkHandledAsync(string consumerGroup, Guid eventId);
}

/// <summary>
/// Keys live a little longer than the longest topic retention (7 days): a message older than that
/// can no longer be redelivered.
/// </summary>
public sealed class RedisEventDeduplicator(IConnectionMultiplexer redis) : IEventDeduplicator
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(8);

    public Task<bool> WasHandledAsync(string consumerGroup, Guid eventId) =>
        redis.GetDatabase().KeyExistsAsync(KeyOf(consumerGroup, eventId));

    public Task MarkHandledAsync(string consumerGroup, Guid eventId) =>
        redis.GetDatabase().StringSetAsync(KeyOf(consumerGroup, eventId), 1, KeyLifetime);

    private static RedisKey KeyOf(string consumerGroup, Guid eventId) => $"handled:{consumerGroup}:{eventId:N}";
}
