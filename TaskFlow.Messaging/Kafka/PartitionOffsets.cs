using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// <see cref="KafkaLiveFeed"/>'s position in <c>task-updates</c>: for every partition, the offset after the last
/// message accounted for, written <c>0:13,1:5,2:8</c> (the SSE event id clients hold). Every partition is listed
/// because a user's messages need not share one: the Kafka and Dapr producers hash keys differently.
/// </summary>
public sealed class PartitionOffsets : FeedPosition
{
    private const int MaxTextLength = 1000;

    private readonly long[] _next;

    public PartitionOffsets(long[] next) => _next = next;

    public int PartitionCount => _next.Length;

    /// <summary>The next offset to read in <paramref name="partition"/>; -1 when this position does not know it.</summary>
    public long this[int partition] => partition < _next.Length ? _next[partition] : -1;

    /// <summary>This position once the message at <paramref name="offset"/> of <paramref name="partition"/> is accounted for.</summary>
    public PartitionOffsets After(int partition, long offset)
    {
        var next = (long[])_next.Clone();
        next[partition] = Math.Max(next[partition], offset + 1);
        return new PartitionOffsets(next);
    }

    public override bool Includes(LiveUpdate update) =>
        update is KafkaLiveUpdate message
            ? message.Offset < this[message.Partition]
            : throw new ArgumentException($"Not an update of {nameof(KafkaLiveFeed)}.", nameof(update));

    public override FeedPosition Max(FeedPosition other) => Max(Of(other));

    /// <summary>Partition by partition, the further of the two.</summary>
    public PartitionOffsets Max(PartitionOffsets other)
    {
        var next = new long[Math.Max(PartitionCount, other.PartitionCount)];
        for (var p = 0; p < next.Length; p++) next[p] = Math.Max(this[p], other[p]);
        return new PartitionOffsets(next);
    }

    /// <summary>A position the port handed back: always one of this feed's, as the feed made every one of them.</summary>
    public static PartitionOffsets Of(FeedPosition position) =>
        position as PartitionOffsets ?? throw new ArgumentException($"Not a position of {nameof(KafkaLiveFeed)}.", nameof(position));

    public override string ToString() =>
        string.Join(',', _next.Select((offset, partition) => FormattableString.Invariant($"{partition}:{offset}")));

    /// <summary>Reads what <see cref="ToString"/> wrote: partitions 0..n-1 in order, each with an offset of 0 or more.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PartitionOffsets? position)
    {
        position = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength) return false;
        var parts = text.Split(',');
        var next = new long[parts.Length];
        for (var p = 0; p < parts.Length; p++)
        {
            var pair = parts[p].Split(':');
            if (pair.Length != 2
                || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out var partition) || partition != p
                || !long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out next[p]))
                return false;
        }
        position = new PartitionOffsets(next);
        return true;
    }
}
