using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TaskFlow.Api.Updates;

/// <summary>How many live-update streams one Api instance holds open (<c>LiveUpdates:*</c>).</summary>
public sealed class StreamLimitOptions
{
    public const string Section = "LiveUpdates";

    /// <summary>Per user: a person's tabs and devices, with room to spare; a client that opens streams without end stops here.</summary>
    [Range(1, 10_000)]
    public int MaxStreamsPerUser { get; set; } = 20;

    /// <summary>
    /// For the whole instance: below the 20,000 files a process may hold open here, leaving room for the database,
    /// broker and other connections. The AppHost's run mode sets less: its proxy in front of the Api holds two
    /// descriptors per connection under the same limit.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 15_000;
}

/// <summary>
/// Counts the open streams, per user and in all, and refuses one past either cap, so a flood of connections ends in
/// 429s instead of a process out of file descriptors. A stream holds its place until its lease is disposed.
/// </summary>
public sealed class StreamLimits(IOptions<StreamLimitOptions> options)
{
    /// <summary>When a client refused for the per-user cap may try again: another of its streams has to close first.</summary>
    public static readonly TimeSpan UserRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>When a client refused because this instance is full may try again (maybe on another replica).</summary>
    public static readonly TimeSpan ServerRetryAfter = TimeSpan.FromSeconds(10);

    private readonly StreamLimitOptions _options = options.Value;
    private readonly Dictionary<string, int> _perUser = [];
    private int _total;

    /// <summary>A place for one more stream of <paramref name="userId"/>, or why not (and when to try again).</summary>
    public StreamLease? TryOpen(string userId, out string problem, out TimeSpan retryAfter)
    {
        lock (_perUser)
        {
            var mine = _perUser.GetValueOrDefault(userId);
            if (mine >= _options.MaxStreamsPerUser)
            {
                (problem, retryAfter) = ($"You have {mine} live-update streams open, the most one account may; close one (another tab or device) first.", UserRetryAfter);
                return null;
            }
            if (_total >= _options.MaxStreams)
            {
                (problem, retryAfter) = ("This server holds as many live-update streams as it can; try again shortly.", ServerRetryAfter);
                return null;
            }
            _perUser[userId] = mine + 1;
            _total++;
        }
        (problem, retryAfter) = ("", TimeSpan.Zero);
        return new StreamLease(this, userId);
    }

    private void Close(string userId)
    {
        lock (_perUser)
        {
            _total--;
            if (--_perUser[userId] == 0) _perUser.Remove(userId);
        }
    }

    public sealed class StreamLease(StreamLimits limits, string userId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) limits.Close(userId);
        }
    }
}
