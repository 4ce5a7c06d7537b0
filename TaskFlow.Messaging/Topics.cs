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

    /// <summary>Where a consumer parks a message that keeps failing, so it can move on.</summary>
    public static string DeadLetterOf(string topic) => topic + ".dlq";

    /// <summary>The catalog topic named <paramref name="name"/>, or whose dead-letter topic it names; null for any other.</summary>
    public static TopicDefinition? Find(string? name) => Catalog.FirstOrDefault(t => t.Name == name || t.DeadLetterName == name);
}
