namespace TaskFlow.Messaging.Events;

public static class ReminderEventTypes
{
    /// <summary>On <c>reminders</c> (key = task_id) when a task's reminder time has come.</summary>
    public const string Due = "reminder.due";

    /// <summary>
    /// One reminder (a task at one remind_at) always gets the same event_id, so firing it again after a crash is
    /// recognised downstream as the same reminder.
    /// </summary>
    public static Guid EventIdFor(int taskId, DateTimeOffset remindAt) =>
        DeterministicGuid.From($"reminder.due:{taskId}:{remindAt.UtcTicks}");
}

public sealed record ReminderDueData(
    int TaskId,
    string UserId,
    string Title,
    DateTimeOffset? DueAt,
    DateTimeOffset RemindAt,
    DateTimeOffset FiredAt);
