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
    // Added after version 1.0 of the events that carry a task (task.changed): with defaults, so they stay optional.
    bool Pinned = false,
    int ListId = 0,
    string? AssigneeId = null);

/// <summary>One page of tasks; <c>next_cursor</c> is null on the last page.</summary>
public sealed record TaskListResponse(IReadOnlyList<TaskResponse> Items, string? NextCursor);

/// <summary>One task of a recurring series.</summary>
public sealed record SeriesOccurrence(int TaskId, int Occurrence, DateOnly? DueDate, DateTimeOffset? DueAt, TaskItemStatus Status, DateTimeOffset? CompletedAt);

public sealed record SeriesResponse(Guid SeriesId, string? Recurrence, IReadOnlyList<SeriesOccurrence> Occurrences);

public sealed record CategoryCount(string Category, int Count);

public sealed record TagCount(string Tag, int Count);

public static class TaskMapping
{
    public static TaskResponse ToResponse(this TaskItem task) => new(
        TaskId: task.Id,
        Title: task.Title,
        Description: task.Description,
        Priority: task.Priority,
        Category: task.Category,
        Tags: task.Tags,
        DueDate: task.DueDate,
        DueAt: task.DueAt,
        TimeZone: task.TimeZone,
        RemindAt: task.RemindAt,
        RemindBefore: TaskChanges.FormatDuration(task.RemindBefore),
        Recurrence: task.Recurrence,
        SeriesId: task.SeriesId,
        Occurrence: task.Occurrence,
        Status: task.Status,
        CompletedAt: task.CompletedAt,
        CreatedAt: task.CreatedAt,
        UpdatedAt: task.UpdatedAt,
        Pinned: task.Pinned,
        ListId: task.ListId,
        AssigneeId: task.AssigneeId);

    /// <summary>The strong entity tag of a task's current version.</summary>
    public static string ETag(this TaskItem task) => $"\"{task.Version}\"";
}
