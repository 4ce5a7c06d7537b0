namespace TaskFlow.Messaging.Events;

/// <summary>
/// The Api's events about lists and their members, on <c>task-updates</c> keyed by the list's id: in one partition with
/// the list's task changes, so a member's live feed applies a membership change exactly between the task changes before
/// and after it (nothing of a list reaches a member after their removal, nothing is missed after their joining).
/// </summary>
public static class ListEventTypes
{
    /// <summary>A list was created, renamed, recoloured or given to another owner; <c>data</c> is the list as it now is.</summary>
    public const string Changed = "list.changed";

    /// <summary>A list was deleted with its tasks: its members no longer see it.</summary>
    public const string Deleted = "list.deleted";

    /// <summary>A user joined a list (or the owner changed their role): from here on they see its changes.</summary>
    public const string MemberJoined = "list.member_joined";

    /// <summary>A member left or was removed: from here on they see nothing of the list.</summary>
    public const string MemberRemoved = "list.member_removed";

    /// <summary>On <c>task-updates</c> keyed by the invitee's user id: someone invited them to a list.</summary>
    public const string InvitationCreated = "list.invitation_created";
}

/// <summary>A list's role of a member, as the wire writes it (<c>owner</c>, <c>editor</c>, <c>viewer</c>).</summary>
public enum ListEventRole { Owner, Editor, Viewer }

public sealed record ListChangedData(int ListId, string Name, string Color, string OwnerId, bool IsInbox, string ActorId);

public sealed record ListDeletedData(int ListId, string ActorId);

public sealed record ListMemberJoinedData(int ListId, string UserId, ListEventRole Role, string ActorId);

public sealed record ListMemberRemovedData(int ListId, string UserId, string ActorId);

/// <summary>What the invitee sees: which list, who asked, with what role; accept or decline it with its id.</summary>
public sealed record ListInvitationCreatedData(Guid InvitationId, string UserId, int ListId, string ListName, ListEventRole Role, string InvitedBy);
