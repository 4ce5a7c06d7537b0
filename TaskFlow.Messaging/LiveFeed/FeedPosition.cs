namespace TaskFlow.Messaging.LiveFeed;

/// <summary>
/// Where a client stands in its live feed: what it has accounted for. Its text is the SSE event id, so a reconnect's
/// <c>Last-Event-ID</c> says where to resume; only the feed that made a position knows what it is made of.
/// </summary>
public abstract class FeedPosition
{
    /// <summary>Whether this position has already accounted for <paramref name="update"/>.</summary>
    public abstract bool Includes(LiveUpdate update);

    /// <summary>The position that accounts for everything this one or <paramref name="other"/> does.</summary>
    public abstract FeedPosition Max(FeedPosition other);

    /// <summary>The text a client holds and sends back; <see cref="ILiveFeed.TryParsePosition"/> reads it.</summary>
    public abstract override string ToString();
}
