using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// <see cref="KafkaLiveFeed"/>'s replay: reads back from the broker what a reconnecting client missed, its messages
/// from the position it last saw up to where its new live subscription starts, or further, to the end of each
/// partition, when this instance's feed has not caught up with the broker yet (the client then gets all it missed
/// before it is live). Null when that stretch is no longer (or not) on the broker: the topic's retention dropped part
/// of it, or the position is from another broker's log.
/// </summary>
public sealed partial class KafkaFeedReplay(KafkaClientFactory clients, IHostEnvironment environment, ILogger<KafkaFeedReplay> logger)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What <paramref name="userId"/>, a member of <paramref name="listIds"/> (as the database says now), missed
    /// between the positions; membership changes of theirs on the way apply from where they stand.
    /// </summary>
    public Task<ReplayedUpdates?> ReadAsync(string userId, IReadOnlyCollection<int> listIds, PartitionOffsets from, PartitionOffsets to, CancellationToken cancellationToken) =>
        // Reading blocks for up to ReadTimeout: a burst of reconnecting clients must not take the thread pool.
        OwnThread.Run(() => Read(userId, listIds, from, to, cancellationToken), cancellationToken);

    private ReplayedUpdates? Read(string userId, IReadOnlyCollection<int> listIds, PartitionOffsets from, PartitionOffsets to, CancellationToken cancellationToken)
    {
        var lists = listIds.ToHashSet();
        using var consumer = clients.CreateReader($"{environment.ApplicationName}-replay-{Environment.ProcessId}");
        try
        {
            var pending = new Dictionary<int, long>();
            var end = new long[Math.Max(from.PartitionCount, to.PartitionCount)];
            for (var p = 0; p < end.Length; p++)
            {
                var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(Topics.TaskUpdates, p), ReadTimeout);
                if (from[p] < watermarks.Low.Value || from[p] > watermarks.High.Value)
                {
                    LogGap(logger, userId, p, from[p], watermarks.Low.Value, watermarks.High.Value);
                    return null;
                }
                end[p] = Math.Max(to[p], watermarks.High.Value);
                if (from[p] < end[p]) pending[p] = end[p];
            }

            var missed = new List<LiveUpdate>();
            var position = from;
            consumer.Assign(pending.Select(p => new TopicPartitionOffset(Topics.TaskUpdates, p.Key, from[p.Key])));
            var deadline = DateTime.UtcNow + ReadTimeout;
            while (pending.Count > 0)
            {
                if (DateTime.UtcNow > deadline) return null;
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is null || !pending.TryGetValue(result.Partition.Value, out var stop)) continue;

                if (result.Offset.Value >= stop)
                {
                    pending.Remove(result.Partition.Value);
                    continue;
                }
                position = position.After(result.Partition.Value, result.Offset.Value);
                if (result.Offset.Value == stop - 1) pending.Remove(result.Partition.Value);
                if (KafkaLiveUpdate.Read(result) is not var (route, envelope)) continue;
                if (route.UserId == userId && route.JoinedList is { } joined) lists.Add(joined);
                if (route.Reaches(userId, lists)) missed.Add(new KafkaLiveUpdate(result.Partition.Value, result.Offset.Value, position, envelope));
                if (route.UserId == userId && route.LeftList is { } left) lists.Remove(left);
                cancellationToken.ThrowIfCancellationRequested();
            }
            return new ReplayedUpdates(missed, from.Max(new PartitionOffsets(end)));
        }
        catch (KafkaException exception)
        {
            LogUnavailable(logger, exception, userId);
            return null;
        }
        finally
        {
            consumer.Close();
        }
    }

    [LoggerMessage(LogLevel.Information,
        "Live updates for user {UserId}: partition {Partition} no longer holds offset {Offset} (it has {Low}-{High}); the client must reload.")]
    private static partial void LogGap(ILogger logger, string userId, int partition, long offset, long low, long high);

    [LoggerMessage(LogLevel.Warning, "Live updates for user {UserId}: could not read back the missed updates; the client must reload.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string userId);
}
