using System.Globalization;
using StackExchange.Redis;

namespace TaskFlow.Api.Chat;

/// <summary>
/// Redis directly: each key is a hash of <c>data</c> and <c>version</c> (the layout Dapr's Redis state store uses too).
/// A write is a transaction conditioned on the version it read (WATCH under the hood).
/// </summary>
public sealed class RedisConversationStateStore(IConnectionMultiplexer redis) : IConversationStateStore
{
    public async Task<StoredState?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var fields = await redis.GetDatabase().HashGetAsync(key, ["data", "version"]);
        return fields[0].IsNull ? null : new StoredState((byte[])fields[0]!, fields[1].ToString());
    }

    public async Task<bool> TryWriteAsync(string key, byte[] value, string? etag, CancellationToken cancellationToken)
    {
        var version = etag is null ? 1 : long.Parse(etag, CultureInfo.InvariantCulture) + 1;
        var transaction = redis.GetDatabase().CreateTransaction();
        transaction.AddCondition(etag is null ? Condition.KeyNotExists(key) : Condition.HashEqual(key, "version", etag));
        _ = transaction.HashSetAsync(key, [new HashEntry("data", value), new HashEntry("version", version)]);
        return await transaction.ExecuteAsync();
    }
}
