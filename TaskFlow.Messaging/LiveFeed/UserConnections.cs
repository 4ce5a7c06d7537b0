using System.Threading.Channels;

namespace TaskFlow.Messaging.LiveFeed;

/// <summary>
/// The fan-out of one instance: each user's open connections, each a queue of at most <see cref="MaxQueued"/>
/// updates, and the lists each connected user is a member of. An update for a user reaches their connections; an
/// update for a list reaches the connections of its members. A connection that far behind is closed rather than left
/// to grow or to hold up the others; its client reconnects and catches up by replay.
/// Membership changes arrive in the feed, in order with the list's updates (<see cref="Joined"/>,
/// <see cref="Removed"/>), so a member removed gets nothing of the list after the update that removed them.
/// It sits on the feed's side of the port, not the Api's: the position a new connection starts from and the first
/// update it is handed must be decided under the one lock that also advances the feed's reading position, or an update
/// could fall between them. So this class takes no lock of its own: its feed calls it under that lock.
/// </summary>
public sealed class UserConnections
{
    public const int MaxQueued = 1000;

    /// <summary>
    /// How many of the latest membership changes are kept to bring a new user's lists up to date: the lists a
    /// connection starts with were read from the database a moment before, and changes the feed applied since then
    /// must apply to them too (see <see cref="Add"/>).
    /// </summary>
    public const int RecentChangesKept = 4096;

    private readonly Dictionary<string, Viewer> _byUser = [];
    private readonly Dictionary<int, HashSet<string>> _connectedMembers = [];
    private readonly Queue<(int ListId, string UserId, bool Joined)> _recentChanges = new();

    private sealed class Viewer
    {
        public List<Channel<LiveUpdate>> Connections { get; } = [];
        public HashSet<int> Lists { get; } = [];
    }

    /// <summary>
    /// A new connection of <paramref name="userId"/>, to be <see cref="Remove"/>d when it ends. For a user with no other
    /// connection here, <paramref name="listIds"/> are their lists as the database said just before, brought up to
    /// date with the membership changes this feed has applied since; a user already connected keeps the lists the feed
    /// has kept up to date.
    /// </summary>
    public Channel<LiveUpdate> Add(string userId, IReadOnlyCollection<int> listIds)
    {
        var connection = Channel.CreateBounded<LiveUpdate>(new BoundedChannelOptions(MaxQueued) { SingleReader = true });
        if (!_byUser.TryGetValue(userId, out var viewer))
        {
            _byUser[userId] = viewer = new Viewer();
            foreach (var listId in listIds) Join(viewer, listId, userId);
            foreach (var change in _recentChanges.Where(c => c.UserId == userId))
            {
                if (change.Joined) Join(viewer, change.ListId, userId);
                else Leave(viewer, change.ListId, userId);
            }
        }
        viewer.Connections.Add(connection);
        return connection;
    }

    /// <summary>Forgets a connection, whether or not it was closed for falling behind meanwhile.</summary>
    public void Remove(string userId, Channel<LiveUpdate> connection)
    {
        if (!_byUser.TryGetValue(userId, out var viewer)) return;
        viewer.Connections.Remove(connection);
        if (viewer.Connections.Count == 0) Forget(userId, viewer);
    }

    /// <summary>Whether <paramref name="userId"/> has a connection here: a feed builds an update only for such a user.</summary>
    public bool Has(string userId) => _byUser.ContainsKey(userId);

    /// <summary>Whether a member of <paramref name="listId"/> has a connection here.</summary>
    public bool HasMembersOf(int listId) => _connectedMembers.ContainsKey(listId);

    /// <summary>The lists <paramref name="userId"/> receives here (empty when not connected).</summary>
    public IReadOnlyCollection<int> ListsOf(string userId) => _byUser.TryGetValue(userId, out var viewer) ? viewer.Lists : [];

    /// <summary><paramref name="userId"/> joined <paramref name="listId"/>: from now on they receive its updates.</summary>
    public void Joined(int listId, string userId)
    {
        Remember(listId, userId, joined: true);
        if (_byUser.TryGetValue(userId, out var viewer)) Join(viewer, listId, userId);
    }

    /// <summary><paramref name="userId"/> left <paramref name="listId"/>: from now on they receive nothing of it.</summary>
    public void Removed(int listId, string userId)
    {
        Remember(listId, userId, joined: false);
        if (_byUser.TryGetValue(userId, out var viewer)) Leave(viewer, listId, userId);
    }

    /// <summary>The list is gone: nobody receives anything more of it.</summary>
    public void Deleted(int listId)
    {
        if (!_connectedMembers.Remove(listId, out var members)) return;
        foreach (var member in members) _byUser[member].Lists.Remove(listId);
    }

    /// <summary>
    /// Queues <paramref name="update"/> on each of <paramref name="userId"/>'s connections; a full one is completed
    /// (its reader sees the end once it has read what is queued) and forgotten.
    /// Returns how many were closed.
    /// </summary>
    public int Deliver(string userId, LiveUpdate update) =>
        _byUser.TryGetValue(userId, out var viewer) ? Deliver(userId, viewer, update) : 0;

    /// <summary>Queues <paramref name="update"/> on the connections of every member of <paramref name="listId"/>, as <see cref="Deliver(string, LiveUpdate)"/>.</summary>
    public int DeliverToList(int listId, LiveUpdate update)
    {
        if (!_connectedMembers.TryGetValue(listId, out var members)) return 0;
        var closed = 0;
        // A member's last connection closing removes them from the set: iterate over a copy.
        foreach (var member in members.ToArray()) closed += Deliver(member, _byUser[member], update);
        return closed;
    }

    private int Deliver(string userId, Viewer viewer, LiveUpdate update)
    {
        var connections = viewer.Connections;
        var closed = 0;
        for (var i = connections.Count - 1; i >= 0; i--)
        {
            if (connections[i].Writer.TryWrite(update)) continue;
            connections[i].Writer.TryComplete();
            connections.RemoveAt(i);
            closed++;
        }
        if (connections.Count == 0) Forget(userId, viewer);
        return closed;
    }

    private void Join(Viewer viewer, int listId, string userId)
    {
        viewer.Lists.Add(listId);
        if (!_connectedMembers.TryGetValue(listId, out var members)) _connectedMembers[listId] = members = [];
        members.Add(userId);
    }

    private void Leave(Viewer viewer, int listId, string userId)
    {
        viewer.Lists.Remove(listId);
        if (!_connectedMembers.TryGetValue(listId, out var members)) return;
        members.Remove(userId);
        if (members.Count == 0) _connectedMembers.Remove(listId);
    }

    private void Forget(string userId, Viewer viewer)
    {
        foreach (var listId in viewer.Lists.ToArray()) Leave(viewer, listId, userId);
        _byUser.Remove(userId);
    }

    private void Remember(int listId, string userId, bool joined)
    {
        if (_recentChanges.Count == RecentChangesKept) _recentChanges.Dequeue();
        _recentChanges.Enqueue((listId, userId, joined));
    }
}
