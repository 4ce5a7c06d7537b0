using System.Collections.Frozen;
using System.Text.Json;

namespace TaskFlow.Messaging.Events;

/// <summary>
/// One event type at one version: the topic it travels on, the record its <c>data</c> is, who sends and who receives
/// it. Its JSON Schema is <c>schemas/events/{Type}/{Version}.json</c> (generated from the data record and checked by the
/// tests).
/// </summary>
/// <param name="DataType">
/// The record consumers read <c>data</c> into; null for the Api's live updates on <c>task-updates</c>, whose record
/// (the task as the REST API shows it) belongs to the Api and which no consumer group reads.
/// </param>
/// <param name="Audience">On <c>task-updates</c>: who receives it live (see <see cref="LiveAudience"/>); null elsewhere.</param>
public sealed record EventDefinition(
    string Type, string Version, string Topic, Type? DataType, string Summary, IReadOnlyList<string> Senders, IReadOnlyList<string> Receivers,
    LiveAudience? Audience = null)
{
    /// <summary>The schema's <c>$id</c>: names the event and its version, so two versions never share one.</summary>
    public string SchemaId => $"urn:taskflow:event:{Type}:{Version}";

    /// <summary>Where the schema is committed, relative to the repository root, and its embedded resource name.</summary>
    public string SchemaPath => $"schemas/events/{Type}/{Version}.json";
}

/// <summary>Who receives an update of <c>task-updates</c> live.</summary>
public enum LiveAudience
{
    /// <summary>The one user <c>data.user_id</c> names (a notification, an invitation).</summary>
    User,

    /// <summary>Every member of the list <c>data.list_id</c> names (a task's change, a list's change).</summary>
    List,
}

/// <summary>
/// Every event TaskFlow puts on a topic: the contract between services, beside the topic catalog (<see cref="Topics"/>).
/// A change that would break a reader (a field removed, renamed or retyped, a new required field) is a new
/// <see cref="EventDefinition.Version"/> of the event, listed here beside the old one while old events are retained.
/// </summary>
public static class EventCatalog
{
    public const string Api = "api";
    public const string Workers = "workers";

    public static readonly IReadOnlyList<EventDefinition> Events =
    [
        new(TaskEventTypes.Created, EventEnvelope.CurrentVersion, Topics.TaskEvents, typeof(TaskCreatedData), "A task was created.", [Api], [Workers]),
        new(TaskEventTypes.Updated, EventEnvelope.CurrentVersion, Topics.TaskEvents, typeof(TaskUpdatedData), "Fields of a task changed; `changes` holds each one's old and new value.", [Api], [Workers]),
        new(TaskEventTypes.Deleted, EventEnvelope.CurrentVersion, Topics.TaskEvents, typeof(TaskDeletedData), "A task was deleted.", [Api], [Workers]),
        new(ReminderEventTypes.Due, EventEnvelope.CurrentVersion, Topics.Reminders, typeof(ReminderDueData), "A task's reminder time has come.", [Workers], [Workers]),
        new(TaskUpdateTypes.Changed, EventEnvelope.CurrentVersion, Topics.TaskUpdates, null, "A task as it now is, for clients to redraw.", [Api], [Api], LiveAudience.List),
        new(TaskUpdateTypes.Removed, EventEnvelope.CurrentVersion, Topics.TaskUpdates, null, "A task was removed, for clients to redraw.", [Api], [Api], LiveAudience.List),
        new(NotificationEventTypes.Created, EventEnvelope.CurrentVersion, Topics.TaskUpdates, typeof(NotificationCreatedData), "A notification was stored for a user.", [Workers], [Api], LiveAudience.User),
        new(ListEventTypes.Changed, EventEnvelope.CurrentVersion, Topics.TaskUpdates, typeof(ListChangedData),
            "A list was created, renamed, recoloured or given to another owner; `data` is the list as it now is.", [Api], [Api], LiveAudience.List),
        new(ListEventTypes.Deleted, EventEnvelope.CurrentVersion, Topics.TaskUpdates, typeof(ListDeletedData),
            "A list was deleted with its tasks (each with its own task.removed before it).", [Api], [Api], LiveAudience.List),
        new(ListEventTypes.MemberJoined, EventEnvelope.CurrentVersion, Topics.TaskUpdates, typeof(ListMemberJoinedData),
            "A user joined a list, or a member's role changed: from here on they receive the list's updates.", [Api], [Api], LiveAudience.List),
        new(ListEventTypes.MemberRemoved, EventEnvelope.CurrentVersion, Topics.TaskUpdates, typeof(ListMemberRemovedData),
            "A member left or was removed: this is the last of the list's updates they receive.", [Api], [Api], LiveAudience.List),
        new(ListEventTypes.InvitationCreated, EventEnvelope.CurrentVersion, Topics.TaskUpdates, typeof(ListInvitationCreatedData),
            "Someone invited a user (who has an account) to a list.", [Api], [Api], LiveAudience.User),
    ];

    /// <summary>Who receives each live update live, by event type (every event on <c>task-updates</c> has one).</summary>
    public static readonly FrozenDictionary<string, LiveAudience> AudienceOf =
        Events.Where(e => e.Audience is not null).GroupBy(e => e.Type).ToFrozenDictionary(g => g.Key, g => g.First().Audience!.Value);

    public static IEnumerable<EventDefinition> On(string topic) => Events.Where(e => e.Topic == topic);

    // Read for every consumed message: looked up, not searched. (Declared after Events, which they are built from.)
    private static readonly FrozenDictionary<string, string[]> VersionsByType =
        Events.GroupBy(e => e.Type).ToFrozenDictionary(g => g.Key, g => g.Select(e => e.Version).ToArray());

    private static readonly FrozenDictionary<(string Type, string Version), Type> Records =
        Events.Where(e => e.DataType is not null).ToFrozenDictionary(e => (e.Type, e.Version), e => e.DataType!);

    private static readonly string[] CurrentVersionOnly = [EventEnvelope.CurrentVersion];

    /// <summary>The versions of <paramref name="eventType"/> this code reads; the current one for a type not listed.</summary>
    public static IReadOnlyList<string> VersionsOf(string eventType) => VersionsByType.GetValueOrDefault(eventType, CurrentVersionOnly);

    public static bool IsReadable(string eventType, string? version) => version is not null && VersionsOf(eventType).Contains(version);

    /// <summary>The versions of <paramref name="eventType"/> that have a record to read their data into.</summary>
    internal static IEnumerable<string> RecordVersionsOf(string eventType) =>
        Records.Keys.Where(key => key.Type == eventType).Select(key => key.Version);

    /// <summary>
    /// The envelope's <c>data</c> as the record the catalog names for its type and version, read once for every
    /// handler of the event.
    /// </summary>
    /// <exception cref="UnsupportedEventVersionException">The catalog has no record for the type at that version.</exception>
    /// <exception cref="JsonException">The data does not fit its record (a field missing, null or of another type).</exception>
    public static object ReadData(EventEnvelope<JsonElement> envelope)
    {
        if (!Records.TryGetValue((envelope.EventType, envelope.Version), out var record))
            throw new UnsupportedEventVersionException(envelope);
        object? data;
        try
        {
            data = envelope.Data.Deserialize(record, EventJson.Reading);
        }
        catch (JsonException exception)
        {
            throw new JsonException($"The data of {envelope.EventType} {envelope.EventId} is no {record.Name}: {exception.Message}", exception);
        }
        return data ?? throw new JsonException($"The data of {envelope.EventType} {envelope.EventId} is null.");
    }
}
