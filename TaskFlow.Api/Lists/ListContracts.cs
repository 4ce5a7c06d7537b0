using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.Lists;

/// <summary>A member of a list as its members see them.</summary>
public sealed record ListMemberResponse(string UserId, string? Email, ListRole Role, DateTimeOffset JoinedAt);

/// <summary>A list as its members see it: who is in it, and the caller's own role.</summary>
public sealed record ListResponse(
    int ListId,
    string Name,
    string Color,
    bool IsInbox,
    string OwnerId,
    ListRole Role,
    IReadOnlyList<ListMemberResponse> Members,
    DateTimeOffset CreatedAt);

/// <summary>An invitation: to the invitee, what they are asked to join; to the list's owner, whom they asked.</summary>
public sealed record InvitationResponse(
    Guid InvitationId,
    int ListId,
    string ListName,
    string Email,
    ListRole Role,
    string? InvitedBy,
    DateTimeOffset CreatedAt);

/// <summary>Body of POST /api/lists and PATCH /api/lists/{id}; <see cref="Errors"/> checks it (REST and the agent tools alike).</summary>
public sealed partial record ListRequest(
    [property: Description("1-100 characters.")] string? Name = null,
    [property: Description("#rrggbb; default #4f46e5.")] string? Color = null)
{
    public string? TrimmedName => Name?.Trim() is { Length: > 0 } name ? name : null;

    /// <summary>What is wrong with the body (a name is required when <paramref name="creating"/>); empty when nothing.</summary>
    public Dictionary<string, string[]> Errors(bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        if (Name is null ? creating : TrimmedName is null || TrimmedName.Length > ListLimits.NameMaxLength)
            errors["name"] = [$"Give the list a name of 1-{ListLimits.NameMaxLength} characters, not only spaces."];
        else if (Name is not null && StorableText.Problem("name", Name) is { } problem)
            errors["name"] = [problem];
        if (Color is not null && !ColorFormat().IsMatch(Color))
            errors["color"] = ["The color must be written #rrggbb, like #4f46e5."];
        if (!creating && Name is null && Color is null) errors["body"] = ["Send the name or the color to change."];
        return errors;
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColorFormat();
}

/// <summary>Body of POST /api/lists/{id}/invitations; <see cref="Errors"/> checks it.</summary>
public sealed record InvitationRequest(
    [property: Description("The invitee's e-mail address; they accept once signed in with it (now or after registering).")] string? Email,
    [property: Description("editor (may change tasks) or viewer (reads only); default editor.")] string? Role = null)
{
    private static readonly EmailAddressAttribute EmailFormat = new();

    public Dictionary<string, string[]> Errors()
    {
        var errors = new Dictionary<string, string[]>();
        if (Email is null || Email.Trim().Length is 0 or > 256 || !EmailFormat.IsValid(Email.Trim()) || StorableText.Problem("email", Email) is not null)
            errors["email"] = ["Give the email of the person to invite: an e-mail address of at most 256 characters."];
        if (ListRequestRoles.Read(Role, ListRole.Editor, out var problem) is null) errors["role"] = [problem!];
        return errors;
    }
}

/// <summary>Body of PATCH /api/lists/{id}/members/{userId}.</summary>
public sealed record MemberRoleRequest(
    [property: Description("editor or viewer. To make a member the owner, POST /api/lists/{id}/transfer.")] string? Role);

/// <summary>Body of POST /api/lists/{id}/transfer.</summary>
public sealed record TransferRequest(
    [property: Description("The user id of the member who becomes the owner; the owner becomes an editor.")] string? UserId);

public static class ListRequestRoles
{
    /// <summary>The role a request may give (owner is given only by a transfer); null with a problem when it is none.</summary>
    public static ListRole? Read(string? wire, ListRole fallback, out string? problem)
    {
        problem = null;
        if (wire is null) return fallback;
        if (WireEnum.TryParse<ListRole>(wire, out var role) && role != ListRole.Owner) return role;
        problem = "The role must be editor or viewer (a list has one owner: POST /api/lists/{id}/transfer makes another member the owner).";
        return null;
    }
}
