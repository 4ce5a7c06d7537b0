using System.Threading.Channels;

namespace TaskFlow.Messaging.LiveFeed;

/// <summary>
/// The per-user fan-out of one instance: each user's open connections, each a queue of at most
/// <see cref="MaxQueued"/> updates. A connection that far behind is closed rather than left to grow or to hold up the
/// others; its client reconnects and catches up by replay.
/// It sits on the feed's side of the port, not the Api's: the position a new connection starts from and the first
/// update it is handed must be decided under the one lock that also advances the feed's reading position, or an update
/// could fall between them. So this class takes no lock of its own: its feed calls it under that lock.
/// </summary>
public sealed class UserConnections
{
    public const int MaxQueued = 1000;

    private readonly Dictionary<string, List<Channel<LiveUpdate>>> _byUser = [];

    /// <summary>A new connection of <paramref name="userId"/>, to be <see cref="Remove"/>d when it ends.</summary>
    public Channel<LiveUpdate> Add(string userId)
    {
        var connection = Channel.CreateBounded<LiveUpdate>(new BoundedChannelOptions(MaxQueued) { SingleReader = true });
        if (!_byUser.TryGetValue(userId, out var connections)) _byUser[userId] = connections = [];
        connections.Add(connection);
        return connection;
    }

    /// <summary>Forgets a connection, whether or not it was closed for falling behind meanwhile.</summary>
    public void Remove(string userId, Channel<LiveUpdate> connection)
    {
        if (!_byUser.TryGetValue(userId, out var connections)) return;
        connections.Remove(connection);
        if (connections.Count == 0) _byUser.Remove(userId);
    }

    /// <summary>Whether <paramref name="userId"/> has a connection here: a feed builds an update only for such a user.</summary>
    public bool Has(string userId) => _byUser.ContainsKey(userId);

    /// <summary>
    /// Queues <paramref name="update"/> on each of <paramref name="userId"/>'s connections; a full one is completed
    /// (its reader sees the end once it has read what is queued) and forgotten.
    /// Returns how many were closed.
    /// </summary>
    public int Deliver(string userId, LiveUpdate update)
    {
        if (!_byUser.TryGetValue(userId, out var connections)) return 0;
        var closed = 0;
        for (var i = connections.Count - 1; i >= 0; i--)
        {
            if (connections[i].Writer.TryWrite(update)) continue;
            connections[i].Writer.TryComplete();
            connections.RemoveAt(i);
            closed++;
        }
        if (connections.Count == 0) _byUser.Remove(userId);
        return closed;
    }
}
