using StackExchange.Redis;

namespace TaskFlow.Workers.Reminders;

/// <summary>
/// The reminder schedule in Redis: a sorted set of task ids scored by fire time (Unix ms). Fast and shared by
/// every Workers instance, but rebuildable: the database's scheduled_reminders table is the truth.
/// </summary>
public sealed class ReminderSchedule(IConnectionMultiplexer redis)
{
    private const string ScheduleKey = "reminders:schedule";
    /// <summary>Present once the schedule has been built from the database; gone when Redis lost its data.</summary>
    private const string BuiltMarkerKey = "reminders:schedule:built";

    // Take what is due and remove it in one step: two instances can never claim the same entry.
    private static readonly LuaScript ClaimScript = LuaScript.Prepare("""
        local due = redis.call('ZRANGEBYSCORE', @key, '-inf', @now, 'WITHSCORES', 'LIMIT', 0, @limit)
        for i = 1, #due, 2 do
            redis.call('ZREM', @key, due[i])
        end
        return due
        """);

    private IDatabase Db => redis.GetDatabase();

    public Task PutAsync(int taskId, DateTimeOffset fireAt) =>
        Db.SortedSetAddAsync(ScheduleKey, taskId, fireAt.ToUnixTimeMilliseconds());

    public Task RemoveAsync(int taskId) => Db.SortedSetRemoveAsync(ScheduleKey, taskId);

    /// <summary>Removes and returns up to <paramref name="limit"/> entries due by <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<(int TaskId, DateTimeOffset FireAt)>> ClaimDueAsync(DateTimeOffset now, int limit)
    {
        var result = (RedisResult[]?)await Db.ScriptEvaluateAsync(ClaimScript,
            new { key = (RedisKey)ScheduleKey, now = now.ToUnixTimeMilliseconds(), limit });
        var claimed = new List<(int, DateTimeOffset)>();
        for (var i = 0; result is not null && i + 1 < result.Length; i += 2)
            claimed.Add(((int)result[i], DateTimeOffset.FromUnixTimeMilliseconds((long)(double)result[i + 1])));
        return claimed;
    }

    public async Task<bool> IsBuiltAsync() => await Db.KeyExistsAsync(BuiltMarkerKey);

    public Task MarkBuiltAsync() => Db.StringSetAsync(BuiltMarkerKey, DateTimeOffset.UtcNow.ToString("O"));
}
