using System.Text.Json;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Messaging.LiveFeed;

/// <summary>
/// Who an update of <c>task-updates</c> is for, read from its envelope: the members of <see cref="ListId"/> (task and
/// list changes), else the one user <see cref="UserId"/> (notifications, invitations). For a membership change,
/// <see cref="UserId"/> is the member who joined or left.
/// </summary>
public sealed record LiveRoute(string EventType, int? ListId, string? UserId)
{
    /// <summary>
    /// The route of <paramref name="envelope"/>, whose message key was <paramref name="key"/>: the catalog says which
    /// audience its type has; an update written before lists (no <c>list_id</c>) or of a type this code does not know
    /// goes to <c>data.user_id</c>, else the key. Null when it names nobody.
    /// </summary>
    public static LiveRoute? Of(EventEnvelope<JsonElement> envelope, string? key)
    {
        var data = envelope.Data;
        var isObject = data.ValueKind == JsonValueKind.Object;
        var userId = isObject && data.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString() : key;
        int? listId = isObject && data.TryGetProperty("list_id", out var list) && list.ValueKind == JsonValueKind.Number && list.TryGetInt32(out var id) ? id : null;
        if (EventCatalog.AudienceOf.GetValueOrDefault(envelope.EventType, LiveAudience.User) == LiveAudience.List && listId is not null)
            return new LiveRoute(envelope.EventType, listId, userId);
        return userId is null ? null : new LiveRoute(envelope.EventType, null, userId);
    }

    /// <summary>Whether a user who is a member of <paramref name="listIds"/> receives it.</summary>
    public bool Reaches(string userId, IReadOnlySet<int> listIds) => ListId is { } listId ? listIds.Contains(listId) : UserId == userId;

    /// <summary>The list <see cref="UserId"/> joins by this update, if it is such a one (and names its member).</summary>
    public int? JoinedList => EventType == ListEventTypes.MemberJoined && UserId is not null ? ListId : null;

    /// <summary>The list <see cref="UserId"/> sees nothing more of after this update, if it is such a one (and names its member).</summary>
    public int? LeftList => EventType == ListEventTypes.MemberRemoved && UserId is not null ? ListId : null;

    /// <summary>The list nobody sees anything more of after this update, if it is such a one.</summary>
    public int? DeletedList => EventType == ListEventTypes.Deleted ? ListId : null;
}
