using System.Text.Json.Nodes;

namespace TaskFlow.ServiceDefaults.WorkersApi;

/// <summary>
/// One event in a task's audit history, oldest first: the Workers' audit endpoint answers it and the Api passes it on
/// (REST and the agents' task_history). <c>changes</c> is keyed by the field's wire name. <c>list_id</c> is the list
/// the task was in after the event and <c>actor_id</c> who made it (for events from before lists: the task's user);
/// <c>actor</c>, their e-mail address, is added by the Api.
/// </summary>
public sealed record TaskHistoryEntry(
    Guid EventId,
    string EventType,
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, HistoryChange> Changes,
    int? ListId = null,
    string? ActorId = null,
    string? Actor = null);

/// <summary>
/// A field's wire value before and after the event. The history's own record, not an event's: an update shows the
/// changes task.updated carries, and a creation shows each initial value as a change from null, which no event says.
/// </summary>
public sealed record HistoryChange(JsonNode? Old, JsonNode? New);
