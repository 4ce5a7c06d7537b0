using System.Globalization;

namespace TaskFlow.Api.Updates;

/// <summary>
/// Where a client stands in <c>task-updates</c>: for every partition, the offset after the last message it has
/// accounted for. It is the SSE event id (<c>0:13,1:5,2:8</c>), so a reconnect's <c>Last-Event-ID</c> says exactly
/// where to resume. Every partition is listed because a user's messages need not share one: the Kafka and Dapr
/// producers hash keys differently.
/// </summary>
public sealed class UpdatePosition
{
    private readonly long[] _next;

    public UpdatePosition(long[] next) => _next = next;

    public int PartitionCount => _next.Length;

    /// <summary>The next offset to read in <paramref name="partition"/>; -1 when this position does not know it.</summary>
    public long this[int partition] => partition < _next.Length ? _next[partition] : -1;

    /// <summary>This position once the message at <paramref name="offset"/> of <paramref name="partition"/> is accounted for.</summary>
    public UpdatePosition After(int partition, long offset)
    {
        var next = (long[])_next.Clone();
        next[partition] = Math.Max(next[partition], offset + 1);
        return new UpdatePosition(next);
    }

    /// <summary>Partition by partition, the further of the two.</summary>
    public UpdatePosition Max(UpdatePosition other)
    {
        var next = new long[Math.Max(PartitionCount, other.PartitionCount)];
        for (var p = 0; p < next.Length; p++) next[p] = Math.Max(this[p], other[p]);
        return new UpdatePosition(next);
    }

    public override string ToString() =>
        string.Join(',', _next.Select((offset, partition) => FormattableString.Invariant($"{partition}:{offset}")));

    /// <summary>Reads an id this class wrote: partitions 0..n-1 in order, each with an offset of 0 or more.</summary>
    public static bool TryParse(string? text, out UpdatePosition position)
    {
        position = new UpdatePosition([]);
        if (string.IsNullOrWhiteSpace(text) || text.Length > 1000) return false;
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
        position = new UpdatePosition(next);
        return true;
    }
}
