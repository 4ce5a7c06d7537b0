namespace TaskFlow.Workers.DeadLetters;

/// <summary>What an operator did with a dead letter. Kafka cannot delete one message, so this is how it is left behind.</summary>
public enum DeadLetterActionKind
{
    /// <summary>Sent back to its source topic.</summary>
    Redriven,

    /// <summary>Dropped: no longer listed as parked.</summary>
    Purged,
}

/// <summary>One dead letter an operator dealt with (table <c>dead_letter_actions</c>): at most one action each.</summary>
public sealed class DeadLetterAction
{
    public required string Topic { get; init; }
    public required int Partition { get; init; }
    public required long Offset { get; init; }
    public Guid? EventId { get; init; }
    public required DeadLetterActionKind Action { get; init; }
    public required string Operator { get; init; }
    public required DateTimeOffset At { get; init; }
}
