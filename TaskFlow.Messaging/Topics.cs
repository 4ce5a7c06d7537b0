namespace TaskFlow.Messaging;

/// <summary>One topic of the seed's table: the catalog below is the only place topic settings live.</summary>
public sealed record TopicDefinition(string Name, TimeSpan Retention, int Partitions, string Key)
{
    public string DeadLetterName => Topics.DeadLetterOf(Name);
}

public static class Topics
{
    public const string TaskEvents = "task-events";
    public const string Reminders = "reminders";
    public const string TaskUpdates = "task-updates";

    public static readonly IReadOnlyList<TopicDefinition> Catalog =
    [
        new(TaskEvents, TimeSpan.FromDays(7), Partitions: 3, Key: "task_id"),
        new(Reminders, TimeSpan.FromDays(1), Partitions: 3, Key: "task_id"),
        new(TaskUpdates, TimeSpan.FromHours(1), Partitions: 3, Key: "list_id or user_id"),
    ];

    private const string DeadLetterSuffix = ".dlq";

    /// <summary>Where a consumer parks a message that keeps failing, so it can move on.</summary>
    public static string DeadLetterOf(string topic) => topic + DeadLetterSuffix;

    /// <summary>The dead-letter topic of a catalog topic.</summary>
    public static bool IsDeadLetterTopic(string topic) => Catalog.Any(t => t.DeadLetterName == topic);

    /// <summary>The topic whose dead letters <paramref name="deadLetterTopic"/> holds.</summary>
    public static string SourceOf(string deadLetterTopic) =>
        deadLetterTopic.EndsWith(DeadLetterSuffix, StringComparison.Ordinal) ? deadLetterTopic[..^DeadLetterSuffix.Length] : deadLetterTopic;
}
