using System.Threading.Channels;

namespace TaskFlow.Messaging.LiveFeed;

/// <summary>
/// One connection's live updates from <see cref="Start"/> on. <see cref="Updates"/> completes when the connection fell
/// too far behind and was cut off (its client resumes from its last position). Dispose to stop them.
/// </summary>
public sealed class LiveFeedSubscription(FeedPosition start, ChannelReader<LiveUpdate> updates, Action unsubscribe) : IDisposable
{
    public FeedPosition Start => start;

    public ChannelReader<LiveUpdate> Updates => updates;

    public void Dispose() => unsubscribe();
}
