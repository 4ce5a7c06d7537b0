namespace TaskFlow.Messaging.LiveFeed;

/// <summary>
/// One envelope of a user's feed (as JSON text, what the client receives), and the feed's position right after it.
/// A feed subclasses it with what its positions need to tell whether they include it.
/// </summary>
public abstract class LiveUpdate(FeedPosition after, string envelope)
{
    public FeedPosition After => after;

    public string Envelope => envelope;
}
