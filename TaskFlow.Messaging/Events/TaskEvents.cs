using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TaskFlow.Messaging.Events;

/// <summary>The seed's task event types; their data records below are the contract (fields are only ever added).</summary>
public static class TaskEventTypes
{
    public const string Created = "task.created";
    public const string Updated = "task.updated";
    public const string Deleted = "task.deleted";
}

/// <summary>Where a task stands, written as the seed writes it (<c>pending</c>, <c>in_progress</c>, <c>completed</c>).</summary>
public enum TaskEventStatus { Pending, InProgress, Completed }

/// <summary>How important a task is, written as the seed writes it (<c>low</c>, <c>medium</c>, <c>high</c>).</summary>
public enum TaskEventPriority { Low, Medium, High }

/// <summary>
/// The data of every event on <c>task-events</c>: the task it is about and its user. Only the three task events derive
/// from it, so a handler of <c>task-events</c> switches over exactly <see cref="TaskCreatedData"/>,
/// <see cref="TaskUpdatedData"/> and <see cref="TaskDeletedData"/>.
/// </summary>
public abstract record TaskEventData
{
    private protected TaskEventData(int taskId, string userId)
    {
        TaskId = taskId;
        UserId = userId;
    }

    // First on the wire, as the seed writes them (serialization would otherwise put a base record's fields last).
    [JsonPropertyOrder(-2)]
    public int TaskId { get; init; }

    [JsonPropertyOrder(-1)]
    public string UserId { get; init; }

    /// <summary>
    /// The list the task is in (after the change); null in events written before tasks were in lists, when every task
    /// was its user's alone. Added after version 1.0, so optional.
    /// </summary>
    public int? ListId { get; init; }

    /// <summary>
    /// Who made the change (<see cref="UserId"/> is who created the task); null in events written before lists were
    /// shared, when that was always the task's user. Added after version 1.0, so optional.
    /// </summary>
    public string? ActorId { get; init; }
}

/// <summary>The seed's fields first, in the seed's order; fields added since follow them.</summary>
public sealed record TaskCreatedData(
    int TaskId,
    string UserId,
    string Title,
    string? Description,
    TaskEventPriority Priority,
    string? Category,
    DateOnly? DueDate,
    TaskEventStatus Status,
    IReadOnlyList<string> Tags,
    DateTimeOffset? DueAt,
    string TimeZone,
    DateTimeOffset? RemindAt,
    string? RemindBefore,
    string? Recurrence,
    Guid? SeriesId,
    int? Occurrence,
    // Added after version 1.0: with a default, so events written before it still read (README, "Events").
    bool Pinned = false,
    string? AssigneeId = null) : TaskEventData(TaskId, UserId);

/// <summary>
/// <c>changes</c> holds every field that changed, keyed by its wire name, as the JSON it was written as (the wire shape
/// stays <c>{field: {old, new}}</c> whatever the field); <see cref="ChangeOf{T}"/> reads one typed.
/// </summary>
public sealed record TaskUpdatedData(
    int TaskId,
    string UserId,
    IReadOnlyDictionary<string, FieldChange> Changes) : TaskEventData(TaskId, UserId)
{
    /// <summary>How <paramref name="field"/> changed, typed; null when this update left it alone.</summary>
    /// <exception cref="JsonException">A value is not of the field's type (or null where the field never is).</exception>
    public FieldChange<T>? ChangeOf<T>(TaskEventField<T> field) =>
        Changes.TryGetValue(field.Name, out var change) ? new(field.Read(change.Old), field.Read(change.New)) : null;

    /// <summary>
    /// The task's title after the change, whether or not it changed, so a consumer can name the task (a notification of an
    /// assignment does); null in events written before it was added (after version 1.0, so optional).
    /// </summary>
    public string? Title { get; init; }
}

public sealed record TaskDeletedData(int TaskId, string UserId) : TaskEventData(TaskId, UserId);

/// <summary>One field's values before and after, as written.</summary>
public sealed record FieldChange(JsonNode? Old, JsonNode? New);

/// <summary>One field's values before and after, as the type task events give that field.</summary>
public sealed record FieldChange<T>(T Old, T New);

/// <summary>
/// A field of a task as task events carry it: its wire name (a key of <see cref="TaskUpdatedData.Changes"/>, a field
/// of <see cref="TaskCreatedData"/>), the type of its values and whether they may be null.
/// </summary>
public sealed class TaskEventField<T>
{
    internal TaskEventField(string name, bool nullable)
    {
        Name = name;
        Nullable = nullable;
    }

    public string Name { get; }

    public bool Nullable { get; }

    internal T Read(JsonNode? value) => value is null
        ? Nullable ? default! : throw new JsonException($"The change of {Name} has null where a {typeof(T).Name} is required.")
        : value.Deserialize<T>(EventJson.Reading)!;

    public override string ToString() => Name;
}

/// <summary>Every field of a task that task events carry, in wire order: what a handler reads changes by.</summary>
public static class TaskEventFields
{
    public static readonly TaskEventField<string> Title = new("title", nullable: false);
    public static readonly TaskEventField<string?> Description = new("description", nullable: true);
    public static readonly TaskEventField<TaskEventPriority> Priority = new("priority", nullable: false);
    public static readonly TaskEventField<string?> Category = new("category", nullable: true);
    public static readonly TaskEventField<IReadOnlyList<string>> Tags = new("tags", nullable: false);
    public static readonly TaskEventField<bool> Pinned = new("pinned", nullable: false);
    public static readonly TaskEventField<DateOnly?> DueDate = new("due_date", nullable: true);
    public static readonly TaskEventField<DateTimeOffset?> DueAt = new("due_at", nullable: true);
    public static readonly TaskEventField<string> TimeZone = new("time_zone", nullable: false);
    public static readonly TaskEventField<DateTimeOffset?> RemindAt = new("remind_at", nullable: true);
    public static readonly TaskEventField<string?> RemindBefore = new("remind_before", nullable: true);
    public static readonly TaskEventField<string?> Recurrence = new("recurrence", nullable: true);
    public static readonly TaskEventField<Guid?> SeriesId = new("series_id", nullable: true);
    public static readonly TaskEventField<int?> Occurrence = new("occurrence", nullable: true);
    public static readonly TaskEventField<TaskEventStatus> Status = new("status", nullable: false);
    /// <summary>Set when the task is completed, cleared when it is reopened; in changes only, not in task.created.</summary>
    public static readonly TaskEventField<DateTimeOffset?> CompletedAt = new("completed_at", nullable: true);
    /// <summary>A task moved to another list (never null in a change; null in task.created only before lists existed).</summary>
    public static readonly TaskEventField<int?> ListId = new("list_id", nullable: true);
    public static readonly TaskEventField<string?> AssigneeId = new("assignee_id", nullable: true);
}
