using System.Text.Json.Nodes;

namespace TaskFlow.Messaging.Events;

/// <summary>The seed's task event types; their data records below are the contract (fields are only ever added).</summary>
public static class TaskEventTypes
{
    public const string Created = "task.created";
    public const string Updated = "task.updated";
    public const string Deleted = "task.deleted";
}

/// <summary>The seed's fields first, in the seed's order; fields added since follow them.</summary>
public sealed record TaskCreatedData(
    int TaskId,
    string UserId,
    string Title,
    string? Description,
    string Priority,
    string? Category,
    DateOnly? DueDate,
    string Status,
    IReadOnlyList<string> Tags,
    DateTimeOffset? DueAt,
    string TimeZone,
    DateTimeOffset? RemindAt,
    string? RemindBefore,
    string? Recurrence,
    Guid? SeriesId,
    int? Occurrence,
    // Added after version 1.0: with a default, so events written before it still read (README, "Events").
    bool Pinned = false);

/// <summary><c>changes</c> holds every field that changed, keyed by its wire name.</summary>
public sealed record TaskUpdatedData(
    int TaskId,
    string UserId,
    IReadOnlyDictionary<string, FieldChange> Changes);

public sealed record FieldChange(JsonNode? Old, JsonNode? New);

public sealed record TaskDeletedData(int TaskId, string UserId);
