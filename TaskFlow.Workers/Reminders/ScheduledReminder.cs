namespace TaskFlow.Workers.Reminders;

/// <summary>
/// What the scheduler knows of a task, kept from task-events in the Workers' database: the source of truth the
/// Redis schedule is rebuilt from, and what a fired reminder says.
/// </summary>
public sealed class ScheduledReminder
{
    public required int TaskId { get; init; }
    /// <summary>Who created the task (or took it over when its creator left its list).</summary>
    public required string UserId { get; set; }
    /// <summary>The member the task is assigned to, if any.</summary>
    public string? AssigneeId { get; set; }
    public required string Title { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? RemindAt { get; set; }
    public bool IsCompleted { get; set; }
    /// <summary>The remind_at that last fired: a reminder fires once per remind_at value.</summary>
    public DateTimeOffset? FiredRemindAt { get; set; }

    public bool IsPending => RemindAt is not null && !IsCompleted && FiredRemindAt != RemindAt;

    /// <summary>Who a reminder goes to: the task's assignee, else whoever created it (always members of its list).</summary>
    public string Recipient => AssigneeId ?? UserId;
}
