namespace TaskFlow.Messaging;

/// <summary>The doubling wait every retry loop here uses (consumers, the outbox relay, webhook delivery).</summary>
public static class RetryDelay
{
    /// <summary>
    /// <paramref name="first"/> after the first failure, twice that after the second, and so on, never more than
    /// <paramref name="max"/>. Computed in doubles, so many failures in a row cannot overflow.
    /// </summary>
    public static TimeSpan Doubling(TimeSpan first, int failures, TimeSpan? max = null)
    {
        var ticks = first.Ticks * Math.Pow(2, failures - 1);
        return max is { } cap && ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }
}
