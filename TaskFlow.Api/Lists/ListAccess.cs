using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Api.Data;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.Lists;

/// <summary>
/// The one way every door (REST, MCP, history, live updates, exports) asks what a user may do with a list and its
/// tasks: a membership row says it. No row is "no such list" to that user, exactly as if it did not exist.
/// </summary>
public sealed class ListAccess(ApiDbContext db, InboxIds inboxes, TimeProvider clock)
{
    /// <summary>The user's role in the list; null when they are not a member (or there is no such list).</summary>
    public async Task<ListRole?> RoleAsync(int listId, string userId, CancellationToken cancellationToken) =>
        await db.ListMembers.AsNoTracking()
            .Where(m => m.ListId == listId && m.UserId == userId)
            .Select(m => (ListRole?)m.Role)
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>The ids of every list the user is a member of (their Inbox among them once it exists).</summary>
    public Task<List<int>> ListIdsAsync(string userId, CancellationToken cancellationToken) =>
        db.ListMembers.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.ListId).ToListAsync(cancellationToken);

    /// <summary>
    /// The tasks the user may read: those of the lists in <paramref name="listIds"/> (theirs). One list is an equality,
    /// which the per-list sort indexes walk in order; several are <c>= ANY</c>, which Postgres then sorts.
    /// </summary>
    public IQueryable<TaskItem> TasksIn(IReadOnlyList<int> listIds) =>
        listIds.Count == 1
            ? db.Tasks.AsNoTracking().Where(t => t.ListId == listIds[0])
            : db.Tasks.AsNoTracking().Where(t => listIds.Contains(t.ListId));

    /// <summary>The tasks the user may read, as one query (a semi-join on their memberships).</summary>
    public IQueryable<TaskItem> VisibleTasks(string userId) =>
        db.Tasks.AsNoTracking().Where(t => db.ListMembers.Any(m => m.ListId == t.ListId && m.UserId == userId));

    /// <summary>
    /// Why the user may not change task <paramref name="taskId"/> when <see cref="ApiDbContext.WithLockedTaskAsync"/>
    /// found none: true when they can see it (a viewer of its list), false when for them it does not exist.
    /// </summary>
    public Task<bool> CanOnlyViewAsync(int taskId, string userId, CancellationToken cancellationToken) =>
        VisibleTasks(userId).AnyAsync(t => t.Id == taskId, cancellationToken);

    /// <summary>The user's Inbox, created (with them as its owner) the first time it is asked for.</summary>
    public async Task<int> InboxIdAsync(string userId, CancellationToken cancellationToken)
    {
        if (inboxes.TryGet(userId, out var known)) return known;
        // Created before it is read: two first requests at once meet the unique key, and the loser reads the winner's.
        var now = clock.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var ids = await db.Database.SqlQuery<int>($"""
                WITH created AS (
                    INSERT INTO task_lists (name, color, owner_id, is_inbox, created_at)
                    VALUES ({ListLimits.InboxName}, {ListLimits.DefaultColor}, {userId}, true, {now})
                    ON CONFLICT (owner_id) WHERE is_inbox DO NOTHING
                    RETURNING id),
                member AS (
                    INSERT INTO list_members (list_id, user_id, role, joined_at)
                    SELECT id, {userId}, 'owner', {now} FROM created)
                SELECT id AS "Value" FROM created
                UNION ALL
                SELECT id AS "Value" FROM task_lists WHERE owner_id = {userId} AND is_inbox
                """).ToListAsync(cancellationToken);
            // Empty only when another request created it after this statement's snapshot: read it again.
            if (ids.Count > 0)
            {
                inboxes.Remember(userId, ids[0]);
                return ids[0];
            }
            if (attempt == 2) throw new InvalidOperationException($"The Inbox of user {userId} could neither be created nor read.");
        }
    }
}

/// <summary>
/// Each user's Inbox id, once read: it never changes (an Inbox cannot be deleted or given away), and a task created
/// without a list goes there, so remembering it saves a round trip per such write.
/// </summary>
public sealed class InboxIds
{
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);

    public bool TryGet(string userId, out int listId) => _ids.TryGetValue(userId, out listId);

    public void Remember(string userId, int listId)
    {
        if (_ids.Count >= MaxRemembered) _ids.Clear();
        _ids[userId] = listId;
    }
}
