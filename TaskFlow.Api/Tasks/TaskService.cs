using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TaskFlow.Api.Data;
using TaskFlow.Api.Lists;
using TaskFlow.Api.Updates;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;
using TaskFlow.ServiceDefaults.WorkersApi;

namespace TaskFlow.Api.Tasks;

public sealed record TaskPage(IReadOnlyList<TaskItem> Items, string? NextCursor);

/// <summary>
/// The task use cases, shared by the REST endpoints and the MCP tools so both validate alike and emit the same
/// events. Every write stores its event in the outbox in the same transaction. Who may do what is the membership of
/// the task's list (<see cref="ListAccess"/>): a task of a list the user is not in is indistinguishable from a missing
/// one, and a viewer of its list may read it but not change it.
/// </summary>
public sealed class TaskService(
    ApiDbContext db,
    ListAccess access,
    TimeProvider clock,
    TaskIdAllocator taskIds,
    WorkersClient workers,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<TaskService> logger)
{
    /// <summary>The clock the use cases read "now" from (a quick-add line's "tomorrow" is read against it too).</summary>
    public TimeProvider Clock => clock;

    public async Task<TaskCreation> CreateAsync(string userId, TaskInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (!input.IsValid || !input.FitsTask(task: null)) return new TaskCreation.Invalid(input.Errors);

        int listId;
        if (input.ListId.IsSet)
        {
            listId = input.ListId.Value;
            var role = await access.RoleAsync(listId, userId, cancellationToken);
            if (role is null) return new TaskCreation.ListNotFound(listId);
            if (!role.Value.EditsTasks()) return new TaskCreation.Forbidden(listId);
        }
        else
        {
            listId = await access.InboxIdAsync(userId, cancellationToken);
        }
        if (input.AssigneeId is { IsSet: true, Value: { } assignee } && await AssigneeProblemAsync(listId, assignee, cancellationToken) is { } problem)
            return new TaskCreation.Invalid(problem);

        return await AddOnceAsync(userId, idempotencyKey, IdempotencyRecord.Hash(input.RawBody), async now =>
        {
            var task = new TaskItem
            {
                Id = await taskIds.NextAsync(db, cancellationToken),
                UserId = userId,
                ListId = listId,
                AssigneeId = input.AssigneeId.GetValueOr(null),
                Title = input.Title.Value,
                Description = input.Description.GetValueOr(null),
                Priority = input.Priority.GetValueOr(TaskPriority.Medium),
                Category = input.Category.GetValueOr(null),
                Tags = input.Tags.GetValueOr([]),
                Pinned = input.Pinned.GetValueOr(false),
                CreatedAt = now,
                UpdatedAt = now,
            };
            task.SetDue(input.DueAt.GetValueOr(null), input.DueDate.GetValueOr(null), input.TimeZone.GetValueOr(TaskTime.DefaultTimeZone));
            TaskChanges.ApplyReminder(task, input);
            if (input.Recurrence is { IsSet: true, Value: { } rule }) task.SetRecurrence(rule);
            task.SetStatus(input.Status.GetValueOr(TaskItemStatus.Pending), now);
            return task;
        }, cancellationToken);
    }

    /// <summary>
    /// Creates the occurrence that follows <paramref name="taskId"/> in its series: same list, assignee, title,
    /// description, priority, category, tags, pinned, zone, reminder offset and rule; due at the rule's next date. Exactly once per
    /// <paramref name="idempotencyKey"/> (the Workers derive it from series and occurrence), so a redelivered
    /// completion, a retry or a second completion after reopening adds nothing.
    /// </summary>
    public async Task<NextOccurrence> CreateNextOccurrenceAsync(string userId, int taskId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var previous = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);
        if (previous is null) return new NextOccurrence.TaskNotFound();
        if (previous is not { Recurrence: { } rule, SeriesStart: { } start, Occurrence: { } occurrence }) return new NextOccurrence.NoneFollows();

        var allDay = previous.DueAt is null;
        if (Recurrence.Occurrence(rule, start, previous.TimeZone, allDay, index: occurrence) is not { } nextDue) return new NextOccurrence.NoneFollows();

        var requestHash = IdempotencyRecord.Hash(System.Text.Encoding.UTF8.GetBytes($"{previous.SeriesId}:{occurrence + 1}"));
        var creation = await AddOnceAsync(userId, idempotencyKey, requestHash, async now =>
        {
            var task = new TaskItem
            {
                Id = await taskIds.NextAsync(db, cancellationToken),
                UserId = userId,
                ListId = previous.ListId,
                AssigneeId = previous.AssigneeId,
                Title = previous.Title,
                Description = previous.Description,
                Priority = previous.Priority,
                Category = previous.Category,
                Tags = previous.Tags,
                Pinned = previous.Pinned,
                CreatedAt = now,
                UpdatedAt = now,
            };
            task.ContinueSeries(previous);
            task.SetDue(allDay ? null : nextDue, allDay ? DateOnly.FromDateTime(nextDue.DateTime) : null, previous.TimeZone);
            // A reminder keeps its distance from the due time.
            if (previous.RemindBefore is { } before) task.RemindBeforeDue(before);
            else if (previous is { RemindAt: { } remindAt, DueKey: var due } && due != TaskItem.NoDueKey) task.RemindAtTime(task.DueKey - (due - remindAt));
            return task;
        }, cancellationToken);
        // The key is derived from series and occurrence, and so is the hash: a key seen before was this occurrence.
        return creation is TaskCreation.Created(var next) ? new NextOccurrence.Created(next) : new NextOccurrence.AlreadyCreated();
    }

    /// <summary>
    /// Stores a new task and its <c>task.created</c> event; with an idempotency key, also the first answer, and a
    /// key seen before (or racing in at the same moment) replays that answer instead of adding anything.
    /// </summary>
    private async Task<TaskCreation> AddOnceAsync(
        string userId, string? idempotencyKey, byte[] requestHash, Func<DateTimeOffset, Task<TaskItem>> build, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null
            && await IdempotencyRecord.FindAsync(db, userId, idempotencyKey, clock.GetUtcNow(), cancellationToken) is { } earlier)
        {
            return Replay(earlier, requestHash);
        }

        var now = Now();
        var task = await build(now);
        db.Tasks.Add(task);
        db.EnqueueEvent(Topics.TaskEvents, TaskKey(task), EventEnvelope.Create(TaskEventTypes.Created, task.ToCreatedData(actorId: userId), clock));
        db.EnqueueTaskUpdate(task, TaskChangeKind.Created, clock);
        if (idempotencyKey is not null)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                UserId = userId,
                Key = idempotencyKey,
                RequestHash = requestHash,
                TaskId = task.Id,
                ResponseBody = JsonSerializer.Serialize(task.ToResponse(), json.Value.SerializerOptions),
                CreatedAt = now,
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (idempotencyKey is not null)
        {
            db.ChangeTracker.Clear();
            var winner = await IdempotencyRecord.FindAsync(db, userId, idempotencyKey, clock.GetUtcNow(), cancellationToken);
            if (winner is null) throw;
            return Replay(winner, requestHash);
        }
        return new TaskCreation.Created(task);
    }

    /// <summary>The tasks of a series in the user's lists, by occurrence; null when they see no such series.</summary>
    public async Task<SeriesResponse?> SeriesAsync(string userId, Guid seriesId, CancellationToken cancellationToken)
    {
        var tasks = await access.VisibleTasks(userId)
            .Where(t => t.SeriesId == seriesId)
            .OrderBy(t => t.Occurrence)
            .ToListAsync(cancellationToken);
        if (tasks.Count == 0) return null;
        return new SeriesResponse(seriesId, tasks[^1].Recurrence,
            tasks.Select(t => new SeriesOccurrence(
                TaskId: t.Id, Occurrence: t.Occurrence!.Value, DueDate: t.DueDate, DueAt: t.DueAt, Status: t.Status, CompletedAt: t.CompletedAt)).ToList());
    }

    /// <summary>
    /// Stops a series: its tasks stop repeating (each emits task.updated with recurrence → null), so completing
    /// them creates nothing more; the tasks themselves stay. False when the user sees no such series; a viewer's stop
    /// changes nothing.
    /// </summary>
    public async Task<bool> StopSeriesAsync(string userId, Guid seriesId, CancellationToken cancellationToken)
    {
        var taskIds = await access.VisibleTasks(userId).Where(t => t.SeriesId == seriesId).Select(t => t.Id).ToListAsync(cancellationToken);
        if (taskIds.Count == 0) return false;
        var stop = TaskInput.ForRecurrence(null);
        foreach (var taskId in taskIds)
            await ChangeAsync(userId, taskId, ifMatch: null, stop, appliesTo: task => task.Recurrence is not null, cancellationToken);
        return true;
    }

    /// <summary>A task of one of the user's lists; null when they see no such task.</summary>
    public Task<TaskItem?> GetAsync(string userId, int taskId, CancellationToken cancellationToken) =>
        access.VisibleTasks(userId).SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);

    /// <summary>A page of the tasks of the user's lists (or of the one list the query names); null when they are no member of that list.</summary>
    public async Task<TaskPage?> ListAsync(string userId, TaskQuery query, CancellationToken cancellationToken)
    {
        List<int> listIds;
        if (query.ListId is { } listId)
        {
            if (await access.RoleAsync(listId, userId, cancellationToken) is null) return null;
            listIds = [listId];
        }
        else
        {
            listIds = await access.ListIdsAsync(userId, cancellationToken);
            if (listIds.Count == 0) return new TaskPage([], null);
        }
        var page = await query.ReadPageAsync(access.TasksIn(listIds), userId, clock.GetUtcNow(), cancellationToken);
        var hasMore = page.Count > query.Limit;
        if (hasMore) page.RemoveAt(page.Count - 1);
        return new TaskPage(page, hasMore ? query.NextCursor(page[^1]) : null);
    }

    public Task<TaskChange> UpdateAsync(string userId, int taskId, TaskInput input, string? ifMatch, CancellationToken cancellationToken) =>
        input.IsValid
            ? ChangeAsync(userId, taskId, ifMatch, input, appliesTo: _ => true, cancellationToken)
            : Task.FromResult<TaskChange>(new TaskChange.Invalid(input.Errors));

    public Task<TaskChange> CompleteAsync(string userId, int taskId, string? ifMatch, CancellationToken cancellationToken) =>
        ChangeAsync(userId, taskId, ifMatch, TaskInput.ForStatus(TaskItemStatus.Completed), appliesTo: _ => true, cancellationToken);

    /// <summary>Back to pending; a task that is not completed stays as it is.</summary>
    public Task<TaskChange> ReopenAsync(string userId, int taskId, string? ifMatch, CancellationToken cancellationToken) =>
        ChangeAsync(userId, taskId, ifMatch, TaskInput.ForStatus(TaskItemStatus.Pending),
            appliesTo: task => task.Status == TaskItemStatus.Completed, cancellationToken);

    /// <summary>Reminds again <paramref name="delay"/> from now (the task's remind_at moves, so the schedule follows).</summary>
    public Task<TaskChange> SnoozeAsync(string userId, int taskId, TimeSpan delay, CancellationToken cancellationToken) =>
        ChangeAsync(userId, taskId, ifMatch: null, TaskInput.ForReminder(Now() + delay), appliesTo: _ => true, cancellationToken);

    public async Task<TaskDeletion> DeleteAsync(string userId, int taskId, string? ifMatch, CancellationToken cancellationToken)
    {
        var deletion = await db.WithLockedTaskAsync<TaskDeletion>(taskId, userId, async task =>
        {
            if (task is null) return new TaskDeletion.NotFound();
            if (!IfMatchAllows(ifMatch, task)) return new TaskDeletion.Stale();

            EnqueueDeletion(task, actorId: userId);
            await db.SaveChangesAsync(cancellationToken);
            return new TaskDeletion.Deleted(task);
        }, cancellationToken);
        return deletion is TaskDeletion.NotFound && await access.CanOnlyViewAsync(taskId, userId, cancellationToken)
            ? new TaskDeletion.Forbidden()
            : deletion;
    }

    /// <summary>Removes a tracked task with its task.deleted event and live update (saved by the caller's transaction).</summary>
    public void EnqueueDeletion(TaskItem task, string actorId)
    {
        db.Tasks.Remove(task);
        db.EnqueueEvent(Topics.TaskEvents, TaskKey(task),
            EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(task.Id, task.UserId) { ListId = task.ListId, ActorId = actorId }, clock));
        db.EnqueueTaskUpdate(task, TaskChangeKind.Deleted, clock);
    }

    /// <summary>
    /// History outlives the task (a deleted task still has one). While the task exists, every member of its list sees
    /// all of it; once it is deleted, a member of the list it was last in does (events from before lists name no list:
    /// then the user who made them).
    /// </summary>
    public async Task<TaskHistory> HistoryAsync(string userId, int taskId, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleTasks(userId).AnyAsync(t => t.Id == taskId, cancellationToken);
        if (!visible && await db.Tasks.AnyAsync(t => t.Id == taskId, cancellationToken)) return new TaskHistory.NotFound();

        IReadOnlyList<TaskHistoryEntry> history;
        try
        {
            history = await workers.GetHistoryAsync(taskId, cancellationToken);
        }
        catch (Exception exception) when (WorkersCalls.IsUnavailable(exception))
        {
            logger.LogWarning(exception, "The Workers' audit service did not answer for task {TaskId}.", taskId);
            return new TaskHistory.Unavailable();
        }
        if (!visible)
        {
            if (history.Count == 0) return new TaskHistory.NotFound();
            var allowed = history[^1].ListId is { } listId
                ? await access.RoleAsync(listId, userId, cancellationToken) is not null
                : history[^1].ActorId == userId;
            if (!allowed) return new TaskHistory.NotFound();
        }
        return new TaskHistory.Found(await WithActorsAsync(history, cancellationToken));
    }

    /// <summary>Each entry with the e-mail address of who made it, so a member's history says who changed what.</summary>
    private async Task<IReadOnlyList<TaskHistoryEntry>> WithActorsAsync(IReadOnlyList<TaskHistoryEntry> history, CancellationToken cancellationToken)
    {
        var actorIds = history.Select(e => e.ActorId).OfType<string>().Distinct().ToList();
        if (actorIds.Count == 0) return history;
        var emails = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        return history.Select(e => e.ActorId is { } actor ? e with { Actor = emails.GetValueOrDefault(actor) } : e).ToList();
    }

    public Task<List<CategoryCount>> CategoriesAsync(string userId, CancellationToken cancellationToken) =>
        access.VisibleTasks(userId)
            .Where(t => t.Category != null)
            .GroupBy(t => t.Category!)
            .OrderBy(g => g.Key)
            .Select(g => new CategoryCount(g.Key, g.Count()))
            .ToListAsync(cancellationToken);

    /// <summary>unnest() in SQL: EF cannot group the elements of an array column.</summary>
    public Task<List<TagCount>> TagsAsync(string userId, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<TagCount>($"""
            SELECT tag, count(*)::int AS count
            FROM tasks, unnest(tags) AS tag
            WHERE list_id IN (SELECT list_id FROM list_members WHERE user_id = {userId})
            GROUP BY tag
            ORDER BY tag
            """).ToListAsync(cancellationToken);

    /// <summary>Why <paramref name="assigneeId"/> cannot be assigned a task of <paramref name="listId"/>; null when they can.</summary>
    private async Task<Dictionary<string, string[]>?> AssigneeProblemAsync(int listId, string assigneeId, CancellationToken cancellationToken) =>
        await access.RoleAsync(listId, assigneeId, cancellationToken) is { } role && role.EditsTasks()
            ? null
            : new() { ["assignee_id"] = [$"The assignee_id must be the user id of an owner or editor of list {listId}."] };

    /// <summary>
    /// Applies <paramref name="input"/> to a task the user may change (when <paramref name="appliesTo"/> it) and saves it with its
    /// <c>task.updated</c> event; nothing changed means no event. The row is locked while it changes, so concurrent
    /// writers queue up: without If-Match the last write wins, and every event's "old" values are the ones its change
    /// really replaced.
    /// </summary>
    private async Task<TaskChange> ChangeAsync(
        string userId, int taskId, string? ifMatch, TaskInput input, Func<TaskItem, bool> appliesTo, CancellationToken cancellationToken)
    {
        var change = await db.WithLockedTaskAsync<TaskChange>(taskId, userId, async task =>
        {
            if (task is null) return new TaskChange.NotFound();
            if (!IfMatchAllows(ifMatch, task)) return new TaskChange.Stale();
            if (!input.FitsTask(task)) return new TaskChange.Invalid(input.Errors);
            if (!appliesTo(task)) return new TaskChange.Done(task);

            var listId = input.ListId.GetValueOr(task.ListId);
            if (listId != task.ListId)
            {
                var role = await access.RoleAsync(listId, userId, cancellationToken);
                if (role is null) return new TaskChange.ListNotFound(listId);
                if (!role.Value.EditsTasks()) return new TaskChange.Forbidden();
            }
            if ((input.AssigneeId.IsSet || listId != task.ListId) && input.AssigneeId.GetValueOr(task.AssigneeId) is { } assignee
                && await AssigneeProblemAsync(listId, assignee, cancellationToken) is { } problem)
            {
                if (input.AssigneeId.IsSet) return new TaskChange.Invalid(problem);
                // Moved to a list its assignee cannot edit: it is nobody's there.
                input.Unassign();
            }

            if (Apply(task, input, actorId: userId)) await db.SaveChangesAsync(cancellationToken);
            return new TaskChange.Done(task);
        }, cancellationToken);
        return change is TaskChange.NotFound && await access.CanOnlyViewAsync(taskId, userId, cancellationToken)
            ? new TaskChange.Forbidden()
            : change;
    }

    /// <summary>
    /// Applies <paramref name="input"/> to a tracked task and, when anything changed, adds its <c>task.updated</c>
    /// event and live update (saved by the caller's transaction). False when nothing changed.
    /// </summary>
    private bool Apply(TaskItem task, TaskInput input, string actorId)
    {
        var now = Now();
        var changes = TaskChanges.Apply(task, input, now);
        if (changes.Count == 0) return false;
        EnqueueUpdated(task, changes, actorId, now);
        return true;
    }

    private void EnqueueUpdated(TaskItem task, Dictionary<string, FieldChange> changes, string actorId, DateTimeOffset now)
    {
        task.UpdatedAt = now;
        db.EnqueueEvent(Topics.TaskEvents, TaskKey(task), EventEnvelope.Create(TaskEventTypes.Updated,
            new TaskUpdatedData(task.Id, task.UserId, changes) { ListId = task.ListId, ActorId = actorId, Title = task.Title }, clock));
        db.EnqueueTaskUpdate(task, TaskChangeKind.Updated, clock);
    }

    /// <summary>
    /// The tasks <paramref name="formerMemberId"/> created in the list pass to <paramref name="ownerId"/>, its owner, when
    /// they leave it (task.updated with a <c>user_id</c> change each, in the caller's transaction): an unassigned
    /// task's reminder goes to its creator, who must be a member.
    /// </summary>
    public async Task EnqueueHandOverAsync(int listId, string formerMemberId, string ownerId, string actorId, CancellationToken cancellationToken)
    {
        var created = await db.Tasks
            .FromSql($"SELECT *, xmin FROM tasks WHERE list_id = {listId} AND user_id = {formerMemberId} FOR UPDATE")
            .ToListAsync(cancellationToken);
        var now = Now();
        foreach (var task in created)
        {
            task.UserId = ownerId;
            EnqueueUpdated(task, new() { ["user_id"] = new(JsonValue.Create(formerMemberId), JsonValue.Create(ownerId)) }, actorId, now);
        }
    }

    /// <summary>
    /// Unassigns <paramref name="memberId"/> from every task of the list (they left it, were removed or made a viewer),
    /// each with its task.updated event, in the caller's transaction (saved by the caller).
    /// </summary>
    public async Task EnqueueUnassignAsync(int listId, string memberId, string actorId, CancellationToken cancellationToken)
    {
        var assigned = await db.Tasks
            .FromSql($"SELECT *, xmin FROM tasks WHERE list_id = {listId} AND assignee_id = {memberId} FOR UPDATE")
            .ToListAsync(cancellationToken);
        foreach (var task in assigned) Apply(task, TaskInput.ForAssignee(null), actorId);
    }

    private static TaskCreation Replay(IdempotencyRecord earlier, byte[] requestHash) =>
        earlier.RequestHash.AsSpan().SequenceEqual(requestHash) ? new TaskCreation.Replayed(earlier) : new TaskCreation.KeyReused();

    /// <summary>No If-Match: last write wins. Otherwise one of the listed tags (or *) must be the current version.</summary>
    private static bool IfMatchAllows(string? ifMatch, TaskItem task)
    {
        if (ifMatch is null) return true;
        if (!EntityTagHeaderValue.TryParseList(ifMatch.Split(','), out var tags)) return false;
        var current = new EntityTagHeaderValue(task.ETag());
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: true));
    }

    /// <summary>Postgres keeps microseconds; rounding first makes a response equal what a later read returns.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static string TaskKey(TaskItem task) => task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
