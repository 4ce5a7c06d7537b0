namespace TaskFlow.Api.Tasks;

public enum TaskPriority { Low, Medium, High }

public enum TaskItemStatus { Pending, InProgress, Completed }

/// <summary>A task as stored; the wire shape is <see cref="TaskResponse"/>.</summary>
public sealed class TaskItem
{
    /// <summary>The sort/filter key of a task with no due date: after every real date.</summary>
    public static readonly DateTimeOffset NoDueKey = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public int Id { get; set; }
    /// <summary>Who created the task; the list's owner takes it over when its creator leaves the list.</summary>
    public required string UserId { get; set; }
    /// <summary>The list the task is in; its members are who may see (and, as editors, change) it.</summary>
    public int ListId { get; set; }
    /// <summary>The member of the list the task is assigned to, if any: gets its reminders and sees it under "assigned to me".</summary>
    public string? AssigneeId { get; set; }
    public required string Title { get; set; }
    /// <summary>lower(title), computed by Postgres: the case-insensitive sort key for sort=title.</summary>
    public string TitleKey { get; private set; } = "";
    public string? Description { get; set; }
    public TaskPriority Priority { get; set; } = TaskPriority.Medium;
    public string? Category { get; set; }
    /// <summary>lower(category), computed by Postgres: what the case-insensitive category filter compares and indexes.</summary>
    public string? CategoryKey { get; private set; }
    /// <summary>Lower-case and unique: tags are case-insensitive.</summary>
    public List<string> Tags { get; set; } = [];
    /// <summary>Kept at hand by its user (the UI lists it like any other; clients may filter or sort by it themselves).</summary>
    public bool Pinned { get; set; }
    public DateOnly? DueDate { get; private set; }
    public DateTimeOffset? DueAt { get; private set; }
    public string TimeZone { get; private set; } = TaskTime.DefaultTimeZone;
    /// <summary>
    /// When the task falls due as an instant (due_at, or the end of due_date in the task's zone, or
    /// <see cref="NoDueKey"/>): one indexed column serves sort=due, due_before/due_after and overdue.
    /// </summary>
    public DateTimeOffset DueKey { get; private set; } = NoDueKey;
    /// <summary>
    /// <see cref="DueKey"/> with a task that has no due date before every real date instead of after, computed by
    /// Postgres: sort=-due walks it backwards, so tasks without a due date come last in both directions.
    /// </summary>
    public DateTimeOffset DescendingDueKey { get; private set; }
    /// <summary>When the reminder fires: remind_at as given, or due_at minus <see cref="RemindBefore"/>.</summary>
    public DateTimeOffset? RemindAt { get; private set; }
    /// <summary>Set when the reminder follows the due time; a new due_at moves the reminder with it.</summary>
    public TimeSpan? RemindBefore { get; private set; }
    /// <summary>The RRULE the task repeats by (presets are stored as their RRULE); null when it does not repeat.</summary>
    public string? Recurrence { get; private set; }
    /// <summary>Shared by every occurrence of a recurring task.</summary>
    public Guid? SeriesId { get; private set; }
    /// <summary>1 for the task the series started with, then 2, 3, ...</summary>
    public int? Occurrence { get; private set; }
    /// <summary>The first occurrence's due time as local wall time in the task's zone: the rule counts from it.</summary>
    public DateTime? SeriesStart { get; private set; }
    public TaskItemStatus Status { get; private set; } = TaskItemStatus.Pending;
    public DateTimeOffset? CompletedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Postgres xmin: a concurrent edit makes SaveChanges fail instead of silently overwriting; also the ETag.</summary>
    public uint Version { get; set; }

    /// <summary>Sets when the task is due: a time (due_date then follows from it in the task's zone) or just a date.</summary>
    public void SetDue(DateTimeOffset? dueAt, DateOnly? dueDate, string timeZone)
    {
        TimeZone = timeZone;
        DueAt = dueAt?.ToUniversalTime();
        DueDate = DueAt is { } at ? TaskTime.LocalDate(at, timeZone) : dueDate;
        DueKey = DueAt ?? (DueDate is { } date ? TaskTime.EndOfDay(date, timeZone) : NoDueKey);
        if (RemindBefore is { } before) RemindAt = DueAt - before;
        // The series counts from its first task's due time; moving a later occurrence does not move the series.
        if (Occurrence == 1) SeriesStart = LocalDue();
    }

    /// <summary>
    /// Makes the task repeat by <paramref name="rule"/> (starting a series if it has none), or stop repeating (null;
    /// the series and its tasks stay). The caller checks that the task is due at some time.
    /// </summary>
    public void SetRecurrence(string? rule)
    {
        Recurrence = rule;
        if (rule is null || SeriesId is not null) return;
        SeriesId = Guid.CreateVersion7();
        Occurrence = 1;
        SeriesStart = LocalDue();
    }

    /// <summary>Joins this (new) task to <paramref name="previous"/>'s series as its next occurrence.</summary>
    public void ContinueSeries(TaskItem previous)
    {
        Recurrence = previous.Recurrence;
        SeriesId = previous.SeriesId;
        Occurrence = previous.Occurrence + 1;
        SeriesStart = previous.SeriesStart;
    }

    /// <summary>The due time as the task's zone sees it (midnight for a date-only task).</summary>
    private DateTime? LocalDue() => TaskTime.LocalDue(DueAt, DueDate, TimeZone);

    /// <summary>A fixed reminder time (or none).</summary>
    public void RemindAtTime(DateTimeOffset? remindAt)
    {
        RemindBefore = null;
        RemindAt = remindAt?.ToUniversalTime();
    }

    /// <summary>A reminder that keeps its distance from the due time. The caller checks that the task has a due_at.</summary>
    public void RemindBeforeDue(TimeSpan before)
    {
        RemindBefore = before;
        RemindAt = DueAt - before;
    }

    /// <summary>Changes the status; completed_at is set on completion and cleared when the task leaves it.</summary>
    public void SetStatus(TaskItemStatus status, DateTimeOffset now)
    {
        if (status == Status) return;
        Status = status;
        CompletedAt = status == TaskItemStatus.Completed ? now : null;
    }
}

public static class TaskLimits
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 4000;
    public const int CategoryMaxLength = 50;
    public const int MaxTags = 10;
    public const int TagMaxLength = 32;
    public const int TimeZoneMaxLength = 64;
}
