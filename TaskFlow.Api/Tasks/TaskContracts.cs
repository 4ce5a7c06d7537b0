using System.ComponentModel;

namespace TaskFlow.Api.Tasks;

/// <summary>A task as the API returns it. Instants are UTC; <c>time_zone</c> says where the task lives.</summary>
public sealed record TaskResponse(
    int TaskId,
    string Title,
    string? Description,
    TaskPriority Priority,
    string? Category,
    IReadOnlyList<string> Tags,
    DateOnly? DueDate,
    DateTimeOffset? DueAt,
    string TimeZone,
    DateTimeOffset? RemindAt,
    string? RemindBefore,
    string? Recurrence,
    Guid? SeriesId,
    int? Occurrence,
    TaskItemStatus Status,
    DateTimeOffset? CompletedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    // Added after version 1.0 of the events that carry a task (task.changed): with a default, so it stays optional.
    bool Pinned = false);

/// <summary>One page of tasks; <c>next_cursor</c> is null on the last page.</summary>
public sealed record TaskListResponse(IReadOnlyList<TaskResponse> Items, string? NextCursor);

/// <summary>One task of a recurring series.</summary>
public sealed record SeriesOccurrence(int TaskId, int Occurrence, DateOnly? DueDate, DateTimeOffset? DueAt, TaskItemStatus Status, DateTimeOffset? CompletedAt);

public sealed record SeriesResponse(Guid SeriesId, string? Recurrence, IReadOnlyList<SeriesOccurrence> Occurrences);

public sealed record CategoryCount(string Category, int Count);

public sealed record TagCount(string Tag, int Count);

/// <summary>Body of <c>POST /api/tasks</c> (documents the schema; the handler reads the JSON itself to name bad fields).</summary>
public sealed record CreateTaskRequest(
    [property: Description("1-200 characters.")] string Title,
    [property: Description("Up to 4000 characters.")] string? Description,
    [property: Description("low | medium | high; default medium.")] TaskPriority? Priority,
    [property: Description("Up to 50 characters.")] string? Category,
    [property: Description("Up to 10 tags of 1-32 characters, case-insensitive and unique (stored in lower case).")] IReadOnlyList<string>? Tags,
    [property: Description("Kept at hand; default false.")] bool? Pinned,
    [property: Description("yyyy-MM-dd: due that whole day. Follows from due_at when that is given.")] DateOnly? DueDate,
    [property: Description("Date-time with offset (2026-12-01T09:00:00+01:00): due at that moment.")] DateTimeOffset? DueAt,
    [property: Description("IANA time zone of the task (Europe/Berlin); default UTC.")] string? TimeZone,
    [property: Description("Date-time with offset when the reminder fires.")] DateTimeOffset? RemindAt,
    [property: Description("ISO-8601 duration before due_at when the reminder fires (PT15M); moves with due_at.")] string? RemindBefore,
    [property: Description("daily | weekdays | weekly | monthly | yearly | every N days/weeks/months | an RFC 5545 RRULE (FREQ=MONTHLY;BYMONTHDAY=31;COUNT=6). Needs a due date.")] string? Recurrence,
    [property: Description("pending | in_progress | completed; default pending.")] TaskItemStatus? Status);

/// <summary>
/// Body of <c>PATCH /api/tasks/{id}</c>: only the fields present change; <c>null</c> clears description, category,
/// due_date and due_at. Same field rules as <see cref="CreateTaskRequest"/>.
/// </summary>
public sealed record UpdateTaskRequest(
    string? Title,
    string? Description,
    TaskPriority? Priority,
    string? Category,
    IReadOnlyList<string>? Tags,
    bool? Pinned,
    DateOnly? DueDate,
    DateTimeOffset? DueAt,
    string? TimeZone,
    DateTimeOffset? RemindAt,
    string? RemindBefore,
    string? Recurrence,
    TaskItemStatus? Status);

/// <summary>One event in a task's audit history, oldest first.</summary>
public sealed record TaskHistoryEntry(
    Guid EventId,
    string EventType,
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, Messaging.Events.FieldChange> Changes);

public static class TaskMapping
{
    public static TaskResponse ToResponse(this TaskItem task) =>
        new(task.Id, task.Title, task.Description, task.Priority, task.Category, task.Tags, task.DueDate, task.DueAt,
            task.TimeZone, task.RemindAt, TaskChanges.FormatDuration(task.RemindBefore),
            task.Recurrence, task.SeriesId, task.Occurrence, task.Status, task.CompletedAt, task.CreatedAt, task.UpdatedAt, task.Pinned);

    /// <summary>The strong entity tag of a task's current version.</summary>
    public static string ETag(this TaskItem task) => $"\"{task.Version}\"";
}
