namespace TaskFlow.Messaging.Consuming;

/// <summary>How one service consumes one topic.</summary>
public sealed record ConsumerRegistration(string Topic, string ConsumerGroup, int MaxAttempts = 5)
{
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most messages handled (and committed) as one batch.</summary>
    public int MaxBatchSize { get; init; } = 500;

    /// <summary>How long a batch waits for more messages after its first, before it is handled with what it has.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// True when the handler itself skips an event it already applied (a unique event id in its own table): then the
    /// group keeps no de-duplication keys in Redis, two round trips per batch fewer.
    /// </summary>
    public bool HandlerSkipsRepeats { get; init; }
}
