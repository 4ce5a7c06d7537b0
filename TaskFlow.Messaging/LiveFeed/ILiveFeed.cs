using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskFlow.Messaging.LiveFeed;

/// <summary>
/// Each user's updates (their own and their lists') from <c>task-updates</c>, as they come and read back from where a client left off: what the
/// Api's live updates (Server-Sent Events) are made of. Positions are the feed's own business; outside it they are
/// text a client holds (the SSE event id) and hands back, read with <see cref="TryParsePosition"/>.
/// Its health check (<c>live-updates</c>) says whether this instance is reading the feed yet.
/// </summary>
public interface ILiveFeed : IHealthCheck
{
    /// <summary>
    /// Starts delivering <paramref name="userId"/>'s updates, and those of the lists <paramref name="listIds"/> (theirs,
    /// as the database said just before; the feed keeps them up to date from its membership changes), to a new
    /// connection, from now:
    /// <see cref="LiveFeedSubscription.Start"/> is where they begin, and what came before is <see cref="ReplayAsync"/>'s.
    /// Null when this instance has not begun reading within a short wait (the broker does not answer).
    /// </summary>
    Task<LiveFeedSubscription?> SubscribeAsync(string userId, IReadOnlyCollection<int> listIds, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="userId"/>'s updates and those of their lists <paramref name="listIds"/> after <paramref name="from"/> up to <paramref name="to"/>, or further, up to
    /// all the broker holds now (so a client gets everything it missed before it is told the stream is live). Null when
    /// that stretch is gone (or cannot be read back now): the client must reload (resync).
    /// </summary>
    Task<ReplayedUpdates?> ReplayAsync(string userId, IReadOnlyCollection<int> listIds, FeedPosition from, FeedPosition to, CancellationToken cancellationToken);

    /// <summary>Reads a position from its text (<see cref="FeedPosition.ToString"/>); false when it is none of this feed's.</summary>
    bool TryParsePosition(string? text, [NotNullWhen(true)] out FeedPosition? position);
}

/// <summary>What a reconnecting client missed, and the position up to which the feed was read for it.</summary>
public sealed record ReplayedUpdates(IReadOnlyList<LiveUpdate> Missed, FeedPosition End);
