namespace TaskFlow.Workers.Reminders;

/// <summary>
/// What the scheduler knows of a task, kept from task-events in the Workers' database: the source of truth the
/// Redis schedule is rebuilt from, and what a fired reminder says.
/// </summary>
public sealed class ScheduledReminder
{
    public required int TaskId { get; init; }
    public required string UserId { get; init; }
    public required string Title { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? RemindAt { get; set; }
    public bool IsCompleted { get; set; }
    /// <summary>The remind_at that last fired: a reminder fires once per remind_at value.</summary>
    public DateTimeOffset? FiredRemindAt { get; set; }

    public bool IsPending => RemindAt is not null && !IsCompleted && FiredRemindAt != RemindAt;
}
