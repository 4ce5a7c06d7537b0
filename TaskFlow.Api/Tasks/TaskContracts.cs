using System.ComponentModel;

namespace TaskFlow.Api.Tasks;

/// <summary>A task as the API returns it.</summary>
public sealed record TaskResponse(
    int TaskId,
    string Title,
    string? Description,
    TaskPriority Priority,
    string? Category,
    DateOnly? DueDate,
    TaskItemStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record TaskListResponse(IReadOnlyList<TaskResponse> Items);

/// <summary>Body of <c>POST /api/tasks</c> (documents the schema; the handler reads the JSON itself to name bad fields).</summary>
public sealed record CreateTaskRequest(
    [property: Description("1-200 characters.")] string Title,
    [property: Description("Up to 4000 characters.")] string? Description,
    [property: Description("low | medium | high; default medium.")] TaskPriority? Priority,
    [property: Description("Up to 50 characters.")] string? Category,
    [property: Description("yyyy-MM-dd.")] DateOnly? DueDate,
    [property: Description("pending | in_progress | completed; default pending.")] TaskItemStatus? Status);

/// <summary>
/// Body of <c>PATCH /api/tasks/{id}</c>: only the fields present change; <c>null</c> clears description, category and due_date.
/// </summary>
public sealed record UpdateTaskRequest(
    string? Title,
    string? Description,
    TaskPriority? Priority,
    string? Category,
    DateOnly? DueDate,
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
        new(task.Id, task.Title, task.Description, task.Priority, task.Category, task.DueDate, task.Status, task.CreatedAt, task.UpdatedAt);
}
