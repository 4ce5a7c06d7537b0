namespace TaskFlow.Api.Lists;

/// <summary>What a member may do in a list: an owner everything, an editor the tasks, a viewer read.</summary>
public enum ListRole { Owner, Editor, Viewer }

/// <summary>
/// A list of tasks and the people who share it. Every task is in exactly one list; each user has one private Inbox,
/// which cannot be shared, deleted or given away.
/// </summary>
public sealed class TaskList
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>A colour as #rrggbb.</summary>
    public required string Color { get; set; }
    public required string OwnerId { get; set; }
    public bool IsInbox { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One member of a list. The owner is a member too (role owner), so access is always one lookup here.</summary>
public sealed class ListMember
{
    public int ListId { get; init; }
    public required string UserId { get; init; }
    public ListRole Role { get; set; }
    public DateTimeOffset JoinedAt { get; init; }
}

/// <summary>An invitation to a list, by e-mail address, until the invitee accepts or declines or an owner withdraws it.</summary>
public sealed class ListInvitation
{
    public Guid Id { get; init; }
    public int ListId { get; init; }
    /// <summary>Upper-cased, as Identity normalizes user names: one invitation per address and list.</summary>
    public required string NormalizedEmail { get; init; }
    public required string Email { get; init; }
    public ListRole Role { get; set; }
    public required string InvitedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public static class ListLimits
{
    public const int NameMaxLength = 100;
    public const int ColorLength = 7;
    public const int MaxMembers = 200;
    public const int MaxListsPerUser = 500;
    public const string InboxName = "Inbox";
    public const string DefaultColor = "#4f46e5";
}

public static class ListRoles
{
    /// <summary>Whether a member in <paramref name="role"/> may add, change and delete the list's tasks.</summary>
    public static bool EditsTasks(this ListRole role) => role is ListRole.Owner or ListRole.Editor;
}
