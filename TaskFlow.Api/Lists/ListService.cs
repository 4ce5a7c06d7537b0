using Microsoft.EntityFrameworkCore;
using TaskFlow.Api.Data;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Api.Lists;

/// <summary>
/// The list use cases, shared by REST and the agent tools: lists, their members and invitations. Every change is
/// one transaction with its events (on <c>task-updates</c>, keyed by the list, so members' live feeds apply it in order
/// with the list's task changes). A list the user is not a member of answers as one that does not exist.
/// </summary>
public sealed class ListService(ApiDbContext db, ListAccess access, TaskService tasks, TimeProvider clock)
{
    /// <summary>Every list the user is a member of, their Inbox first, then by name.</summary>
    public async Task<IReadOnlyList<ListResponse>> MineAsync(string userId, CancellationToken cancellationToken)
    {
        await access.InboxIdAsync(userId, cancellationToken);
        var responses = await ResponsesAsync(onlyListId: null, userId, cancellationToken);
        return [.. responses.OrderByDescending(l => l.IsInbox).ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.ListId)];
    }

    public async Task<ListOutcome<ListResponse>> GetAsync(string userId, int listId, CancellationToken cancellationToken) =>
        (await ResponsesAsync(listId, userId, cancellationToken)).SingleOrDefault() is { } list
            ? new ListOutcome<ListResponse>.Done(list)
            : new ListOutcome<ListResponse>.NotFound("list", listId);

    public async Task<ListOutcome<ListResponse>> CreateAsync(string userId, ListRequest request, CancellationToken cancellationToken)
    {
        if (request.Errors(creating: true) is { Count: > 0 } errors) return new ListOutcome<ListResponse>.Invalid(errors);
        var name = request.TrimmedName!;
        if (await db.ListMembers.CountAsync(m => m.UserId == userId, cancellationToken) >= ListLimits.MaxListsPerUser)
            return new ListOutcome<ListResponse>.Conflict($"You are in {ListLimits.MaxListsPerUser} lists, the most one can be in; leave or delete one first.");

        var created = await InTransactionAsync<int>(async () =>
        {
            var now = clock.GetUtcNow();
            var list = new TaskList { Name = name, Color = request.Color?.ToLowerInvariant() ?? ListLimits.DefaultColor, OwnerId = userId, CreatedAt = now };
            db.Lists.Add(list);
            // The id comes from the insert; the events that carry it follow in the same transaction.
            await db.SaveChangesAsync(cancellationToken);
            db.ListMembers.Add(new ListMember { ListId = list.Id, UserId = userId, Role = ListRole.Owner, JoinedAt = now });
            EnqueueChanged(list, userId);
            EnqueueJoined(list.Id, userId, ListRole.Owner, userId);
            await db.SaveChangesAsync(cancellationToken);
            return new ListOutcome<int>.Done(list.Id);
        }, cancellationToken);
        return await GetAsync(userId, ((ListOutcome<int>.Done)created!).Value, cancellationToken);
    }

    /// <summary>Renames or recolours a list: its owner only.</summary>
    public async Task<ListOutcome<ListResponse>> UpdateAsync(string userId, int listId, ListRequest request, CancellationToken cancellationToken)
    {
        if (request.Errors(creating: false) is { Count: > 0 } errors) return new ListOutcome<ListResponse>.Invalid(errors);
        var outcome = await AsOwnerAsync<ListResponse>(userId, listId, "rename or recolour it", async list =>
        {
            list.Name = request.TrimmedName ?? list.Name;
            list.Color = request.Color?.ToLowerInvariant() ?? list.Color;
            EnqueueChanged(list, userId);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }, cancellationToken);
        return outcome ?? await GetAsync(userId, listId, cancellationToken);
    }

    /// <summary>Deletes a list and every task in it (each with its task.deleted event): its owner only, never an Inbox.</summary>
    public async Task<ListOutcome<Nothing>> DeleteAsync(string userId, int listId, CancellationToken cancellationToken) =>
        await AsOwnerAsync<Nothing>(userId, listId, "delete it", async list =>
        {
            if (list.IsInbox) return new ListOutcome<Nothing>.Conflict("Your Inbox cannot be deleted; delete its tasks instead.");
            var doomed = await db.Tasks.FromSql($"SELECT *, xmin FROM tasks WHERE list_id = {listId} FOR UPDATE").ToListAsync(cancellationToken);
            foreach (var task in doomed) tasks.EnqueueDeletion(task, actorId: userId);
            db.Lists.Remove(list);
            Enqueue(listId, ListEventTypes.Deleted, new ListDeletedData(ListId: listId, ActorId: userId));
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }, cancellationToken) ?? new ListOutcome<Nothing>.Done(default);

    /// <summary>
    /// Invites someone by e-mail address (the owner only; not to an Inbox). Inviting an address again changes the role
    /// of its invitation. Whether the address has an account is not told: the invitation waits for it either way.
    /// </summary>
    public async Task<ListOutcome<InvitationResponse>> InviteAsync(string userId, int listId, InvitationRequest request, CancellationToken cancellationToken)
    {
        if (request.Errors() is { Count: > 0 } errors) return new ListOutcome<InvitationResponse>.Invalid(errors);
        var role = ListRequestRoles.Read(request.Role, ListRole.Editor, out _)!.Value;
        var email = request.Email!.Trim();
        var normalized = email.ToUpperInvariant();
        InvitationResponse? response = null;
        var outcome = await AsOwnerAsync<InvitationResponse>(userId, listId, "invite people", async list =>
        {
            if (list.IsInbox) return new ListOutcome<InvitationResponse>.Conflict("An Inbox is yours alone; create a list to share.");
            var invitee = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
            if (invitee is not null && await db.ListMembers.AnyAsync(m => m.ListId == listId && m.UserId == invitee, cancellationToken))
                return new ListOutcome<InvitationResponse>.Conflict($"{email} is already a member of this list.");
            if (await db.ListMembers.CountAsync(m => m.ListId == listId, cancellationToken) >= ListLimits.MaxMembers)
                return new ListOutcome<InvitationResponse>.Conflict($"The list has {ListLimits.MaxMembers} members, the most a list can have.");

            var invitation = await db.ListInvitations.SingleOrDefaultAsync(i => i.ListId == listId && i.NormalizedEmail == normalized, cancellationToken);
            if (invitation is null)
            {
                invitation = new ListInvitation
                {
                    Id = Guid.CreateVersion7(),
                    ListId = listId,
                    NormalizedEmail = normalized,
                    Email = email,
                    Role = role,
                    InvitedBy = userId,
                    CreatedAt = clock.GetUtcNow(),
                };
                db.ListInvitations.Add(invitation);
            }
            invitation.Role = role;
            if (invitee is not null)
            {
                db.EnqueueEvent(Topics.TaskUpdates, invitee, EventEnvelope.Create(ListEventTypes.InvitationCreated,
                    new ListInvitationCreatedData(InvitationId: invitation.Id, UserId: invitee, ListId: listId, ListName: list.Name,
                        Role: ToEventRole(role), InvitedBy: userId), clock));
            }
            await db.SaveChangesAsync(cancellationToken);
            var inviter = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(cancellationToken);
            response = ToResponse(invitation, list.Name, inviter);
            return null;
        }, cancellationToken);
        return outcome ?? new ListOutcome<InvitationResponse>.Done(response!);
    }

    /// <summary>The list's open invitations: its owner only.</summary>
    public async Task<ListOutcome<IReadOnlyList<InvitationResponse>>> InvitationsOfAsync(string userId, int listId, CancellationToken cancellationToken)
    {
        var role = await access.RoleAsync(listId, userId, cancellationToken);
        if (role is null) return new ListOutcome<IReadOnlyList<InvitationResponse>>.NotFound("list", listId);
        if (role != ListRole.Owner) return new ListOutcome<IReadOnlyList<InvitationResponse>>.Forbidden("Only the list's owner sees its invitations.");
        return new ListOutcome<IReadOnlyList<InvitationResponse>>.Done(
            await InvitationResponsesAsync(db.ListInvitations.Where(i => i.ListId == listId), cancellationToken));
    }

    /// <summary>Withdraws an open invitation: the list's owner only.</summary>
    public async Task<ListOutcome<Nothing>> WithdrawAsync(string userId, int listId, Guid invitationId, CancellationToken cancellationToken) =>
        await AsOwnerAsync<Nothing>(userId, listId, "withdraw invitations", async _ =>
        {
            var deleted = await db.ListInvitations.Where(i => i.Id == invitationId && i.ListId == listId).ExecuteDeleteAsync(cancellationToken);
            return deleted == 0 ? new ListOutcome<Nothing>.NotFound("invitation", invitationId) : null;
        }, cancellationToken) ?? new ListOutcome<Nothing>.Done(default);

    /// <summary>The invitations waiting for the user's e-mail address.</summary>
    public async Task<IReadOnlyList<InvitationResponse>> MyInvitationsAsync(string userId, CancellationToken cancellationToken)
    {
        var email = await NormalizedEmailOfAsync(userId, cancellationToken);
        return await InvitationResponsesAsync(db.ListInvitations.Where(i => i.NormalizedEmail == email), cancellationToken);
    }

    /// <summary>Joins the list of an invitation to the user's address, with the role it offers.</summary>
    public async Task<ListOutcome<ListResponse>> AcceptAsync(string userId, Guid invitationId, CancellationToken cancellationToken)
    {
        var email = await NormalizedEmailOfAsync(userId, cancellationToken);
        var joined = await InTransactionAsync<int>(async () =>
        {
            var invitation = await db.ListInvitations
                .FromSql($"SELECT * FROM list_invitations WHERE id = {invitationId} AND normalized_email = {email} FOR UPDATE")
                .SingleOrDefaultAsync(cancellationToken);
            if (invitation is null) return new ListOutcome<int>.NotFound("invitation", invitationId);
            db.ListInvitations.Remove(invitation);
            if (!await db.ListMembers.AnyAsync(m => m.ListId == invitation.ListId && m.UserId == userId, cancellationToken))
            {
                db.ListMembers.Add(new ListMember { ListId = invitation.ListId, UserId = userId, Role = invitation.Role, JoinedAt = clock.GetUtcNow() });
                EnqueueJoined(invitation.ListId, userId, invitation.Role, actorId: userId);
            }
            await db.SaveChangesAsync(cancellationToken);
            return new ListOutcome<int>.Done(invitation.ListId);
        }, cancellationToken);
        return joined is ListOutcome<int>.Done(var listId)
            ? await GetAsync(userId, listId, cancellationToken)
            : new ListOutcome<ListResponse>.NotFound("invitation", invitationId);
    }

    public async Task<ListOutcome<Nothing>> DeclineAsync(string userId, Guid invitationId, CancellationToken cancellationToken)
    {
        var email = await NormalizedEmailOfAsync(userId, cancellationToken);
        var deleted = await db.ListInvitations.Where(i => i.Id == invitationId && i.NormalizedEmail == email).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? new ListOutcome<Nothing>.NotFound("invitation", invitationId) : new ListOutcome<Nothing>.Done(default);
    }

    /// <summary>Makes a member an editor or a viewer: the owner only. A member made a viewer is unassigned from the list's tasks.</summary>
    public async Task<ListOutcome<ListResponse>> ChangeRoleAsync(string userId, int listId, string memberId, MemberRoleRequest request, CancellationToken cancellationToken)
    {
        if (request.Role is null) return Invalid<ListResponse>("role", "Give the role: editor or viewer.");
        if (ListRequestRoles.Read(request.Role, ListRole.Editor, out var problem) is not { } role) return Invalid<ListResponse>("role", problem!);
        var outcome = await AsOwnerAsync<ListResponse>(userId, listId, "change roles", async _ =>
        {
            var member = await db.ListMembers.SingleOrDefaultAsync(m => m.ListId == listId && m.UserId == memberId, cancellationToken);
            if (member is null) return new ListOutcome<ListResponse>.NotFound("member", memberId);
            if (member.Role == ListRole.Owner)
                return new ListOutcome<ListResponse>.Conflict("The owner stays the owner until they transfer the list (POST /api/lists/{id}/transfer).");
            if (member.Role == role) return null;
            member.Role = role;
            if (!role.EditsTasks()) await tasks.EnqueueUnassignAsync(listId, memberId, actorId: userId, cancellationToken);
            EnqueueJoined(listId, memberId, role, userId);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }, cancellationToken);
        return outcome ?? await GetAsync(userId, listId, cancellationToken);
    }

    /// <summary>Makes another member the owner; the owner becomes an editor. Not for an Inbox.</summary>
    public async Task<ListOutcome<ListResponse>> TransferAsync(string userId, int listId, TransferRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.UserId)) return Invalid<ListResponse>("user_id", "Give the user_id of the member to make the owner.");
        var outcome = await AsOwnerAsync<ListResponse>(userId, listId, "give it away", async list =>
        {
            if (list.IsInbox) return new ListOutcome<ListResponse>.Conflict("An Inbox stays with its user.");
            var members = await db.ListMembers.Where(m => m.ListId == listId && (m.UserId == userId || m.UserId == request.UserId)).ToListAsync(cancellationToken);
            if (members.SingleOrDefault(m => m.UserId == request.UserId) is not { } heir || heir.UserId == userId)
                return new ListOutcome<ListResponse>.NotFound("member", request.UserId);
            members.Single(m => m.UserId == userId).Role = ListRole.Editor;
            heir.Role = ListRole.Owner;
            list.OwnerId = heir.UserId;
            EnqueueChanged(list, userId);
            EnqueueJoined(listId, heir.UserId, ListRole.Owner, userId);
            EnqueueJoined(listId, userId, ListRole.Editor, userId);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }, cancellationToken);
        return outcome ?? await GetAsync(userId, listId, cancellationToken);
    }

    /// <summary>
    /// Removes a member (the owner removes anyone else; any member removes themselves, which is leaving; the owner
    /// cannot leave). They are unassigned from the list's tasks, the tasks they created pass to the owner, and, from
    /// this change on, they see nothing of the list:
    /// their open streams get <c>list.member_removed</c> and no more of its events.
    /// </summary>
    public async Task<ListOutcome<Nothing>> RemoveMemberAsync(string userId, int listId, string memberId, CancellationToken cancellationToken)
    {
        var leaving = memberId == userId;
        return await InTransactionAsync<Nothing>(async () =>
        {
            var list = await LockAsync(listId, cancellationToken);
            var roles = await db.ListMembers.Where(m => m.ListId == listId && (m.UserId == userId || m.UserId == memberId)).ToListAsync(cancellationToken);
            if (list is null || roles.SingleOrDefault(m => m.UserId == userId) is not { } caller) return new ListOutcome<Nothing>.NotFound("list", listId);
            if (leaving && caller.Role == ListRole.Owner)
                return new ListOutcome<Nothing>.Conflict("The owner cannot leave the list: make another member the owner first (POST /api/lists/{id}/transfer), or delete the list.");
            if (!leaving && caller.Role != ListRole.Owner) return new ListOutcome<Nothing>.Forbidden("Only the list's owner removes members (a member may remove themselves).");
            if (roles.SingleOrDefault(m => m.UserId == memberId) is not { } member) return new ListOutcome<Nothing>.NotFound("member", memberId);

            db.ListMembers.Remove(member);
            await tasks.EnqueueUnassignAsync(listId, memberId, actorId: userId, cancellationToken);
            await tasks.EnqueueHandOverAsync(listId, memberId, list.OwnerId, actorId: userId, cancellationToken);
            Enqueue(listId, ListEventTypes.MemberRemoved, new ListMemberRemovedData(ListId: listId, UserId: memberId, ActorId: userId));
            await db.SaveChangesAsync(cancellationToken);
            return new ListOutcome<Nothing>.Done(default);
        }, cancellationToken) ?? new ListOutcome<Nothing>.Done(default);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the list, locked, when the user owns it: null from it means done (committed),
    /// an outcome means refused (rolled back). Not a member: not found; a member but not the owner: forbidden.
    /// </summary>
    private Task<ListOutcome<T>?> AsOwnerAsync<T>(string userId, int listId, string toDo, Func<TaskList, Task<ListOutcome<T>?>> work, CancellationToken cancellationToken) =>
        InTransactionAsync<T>(async () =>
        {
            var role = await access.RoleAsync(listId, userId, cancellationToken);
            if (role is null) return new ListOutcome<T>.NotFound("list", listId);
            if (role != ListRole.Owner) return new ListOutcome<T>.Forbidden($"Only the list's owner may {toDo}.");
            var list = await LockAsync(listId, cancellationToken);
            return list is null ? new ListOutcome<T>.NotFound("list", listId) : await work(list);
        }, cancellationToken);

    /// <summary>The list row, locked: changes of one list's membership queue up behind each other.</summary>
    private Task<TaskList?> LockAsync(int listId, CancellationToken cancellationToken) =>
        db.Lists.FromSql($"SELECT * FROM task_lists WHERE id = {listId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// One transaction around <paramref name="work"/>: it commits when the work returns null or
    /// <see cref="ListOutcome{T}.Done"/>, and rolls back when it returns a refusal.
    /// </summary>
    private Task<ListOutcome<T>?> InTransactionAsync<T>(Func<Task<ListOutcome<T>?>> work, CancellationToken cancellationToken) =>
        db.InTransactionAsync(_ => work(), commits: outcome => outcome is null or ListOutcome<T>.Done, cancellationToken);

    private void EnqueueChanged(TaskList list, string actorId) =>
        Enqueue(list.Id, ListEventTypes.Changed, new ListChangedData(
            ListId: list.Id, Name: list.Name, Color: list.Color, OwnerId: list.OwnerId, IsInbox: list.IsInbox, ActorId: actorId));

    private void EnqueueJoined(int listId, string userId, ListRole role, string actorId) =>
        Enqueue(listId, ListEventTypes.MemberJoined, new ListMemberJoinedData(ListId: listId, UserId: userId, Role: ToEventRole(role), ActorId: actorId));

    private void Enqueue<TData>(int listId, string type, TData data) =>
        db.EnqueueEvent(Topics.TaskUpdates, listId.ToString(System.Globalization.CultureInfo.InvariantCulture), EventEnvelope.Create(type, data, clock));

    private static ListEventRole ToEventRole(ListRole role) => WireEnum.Parse<ListEventRole>(role.ToWire());

    private async Task<string> NormalizedEmailOfAsync(string userId, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.NormalizedEmail).SingleOrDefaultAsync(cancellationToken) ?? "";

    /// <summary>The lists the user is a member of (only <paramref name="onlyListId"/>, when given), each with its members.</summary>
    private async Task<List<ListResponse>> ResponsesAsync(int? onlyListId, string userId, CancellationToken cancellationToken)
    {
        var memberships = db.ListMembers.AsNoTracking().Where(m => m.UserId == userId);
        if (onlyListId is { } listId) memberships = memberships.Where(m => m.ListId == listId);
        var mine = await memberships
            .Join(db.Lists, m => m.ListId, l => l.Id, (m, l) => new { List = l, m.Role })
            .ToListAsync(cancellationToken);
        var ids = mine.Select(m => m.List.Id).ToList();
        var members = await db.ListMembers.AsNoTracking()
            .Where(m => ids.Contains(m.ListId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.ListId, Member = new ListMemberResponse(m.UserId, u.Email, m.Role, m.JoinedAt) })
            .ToListAsync(cancellationToken);
        var byList = members.ToLookup(m => m.ListId, m => m.Member);
        return [.. mine.Select(m => new ListResponse(
            ListId: m.List.Id, Name: m.List.Name, Color: m.List.Color, IsInbox: m.List.IsInbox, OwnerId: m.List.OwnerId, Role: m.Role,
            Members: [.. byList[m.List.Id].OrderBy(x => x.Role).ThenBy(x => x.JoinedAt)], CreatedAt: m.List.CreatedAt))];
    }

    private async Task<List<InvitationResponse>> InvitationResponsesAsync(IQueryable<ListInvitation> invitations, CancellationToken cancellationToken)
    {
        var rows = await invitations.AsNoTracking()
            .Join(db.Lists, i => i.ListId, l => l.Id, (i, l) => new { Invitation = i, ListName = l.Name })
            .GroupJoin(db.Users, x => x.Invitation.InvitedBy, u => u.Id, (x, users) => new { x.Invitation, x.ListName, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.Invitation, x.ListName, InvitedBy = u == null ? null : u.Email })
            .OrderBy(x => x.Invitation.CreatedAt)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => ToResponse(r.Invitation, r.ListName, r.InvitedBy))];
    }

    private static InvitationResponse ToResponse(ListInvitation invitation, string listName, string? invitedBy) => new(
        InvitationId: invitation.Id, ListId: invitation.ListId, ListName: listName, Email: invitation.Email, Role: invitation.Role,
        InvitedBy: invitedBy, CreatedAt: invitation.CreatedAt);

    private static ListOutcome<T> Invalid<T>(string field, string message) =>
        new ListOutcome<T>.Invalid(new() { [field] = [message] });
}
