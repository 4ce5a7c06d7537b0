using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TaskFlow.Api.Data;
using TaskFlow.Api.Updates;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;
using TaskFlow.ServiceDefaults.WorkersApi;

namespace TaskFlow.Api.Tasks;

public sealed record TaskPage(IReadOnlyList<TaskItem> Items, string? NextCursor);

/// <summary>
/// The task use cases, shared by the REST endpoints and the MCP tools so both validate alike and emit the same
/// events. Every write stores its event in the outbox in the same transaction; another user's task is
/// indistinguishable from a missing one.
/// </summary>
public sealed class TaskService(
    ApiDbContext db,
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

        return await AddOnceAsync(userId, idempotencyKey, IdempotencyRecord.Hash(input.RawBody), async now =>
        {
            var task = new TaskItem
            {
                Id = await taskIds.NextAsync(db, cancellationToken),
                UserId = userId,
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
    /// Creates the occurrence that follows <paramref name="taskId"/> in its series: same title, description,
    /// priority, category, tags, pinned, zone, reminder offset and rule; due at the rule's next date. Exactly once per
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
        db.EnqueueEvent(Topics.TaskEvents, TaskKey(task), EventEnvelope.Create(TaskEventTypes.Created, task.ToCreatedData(), clock));
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

    /// <summary>The tasks of one of the user's series, by occurrence; null when they have no such series.</summary>
    public async Task<SeriesResponse?> SeriesAsync(string userId, Guid seriesId, CancellationToken cancellationToken)
    {
        var tasks = await db.Tasks.AsNoTracking()
            .Where(t => t.UserId == userId && t.SeriesId == seriesId)
            .OrderBy(t => t.Occurrence)
            .ToListAsync(cancellationToken);
        if (tasks.Count == 0) return null;
        return new SeriesResponse(seriesId, tasks[^1].Recurrence,
            tasks.Select(t => new SeriesOccurrence(
                TaskId: t.Id, Occurrence: t.Occurrence!.Value, DueDate: t.DueDate, DueAt: t.DueAt, Status: t.Status, CompletedAt: t.CompletedAt)).ToList());
    }

    /// <summary>
    /// Stops a series: its tasks stop repeating (each emits task.updated with recurrence → null), so completing
    /// them creates nothing more; the tasks themselves stay. False when the user has no such series.
    /// </summary>
    public async Task<bool> StopSeriesAsync(string userId, Guid seriesId, CancellationToken cancellationToken)
    {
        var taskIds = await db.Tasks.Where(t => t.UserId == userId && t.SeriesId == seriesId).Select(t => t.Id).ToListAsync(cancellationToken);
        if (taskIds.Count == 0) return false;
        var stop = TaskInput.ForRecurrence(null);
        foreach (var taskId in taskIds)
            await ChangeAsync(userId, taskId, ifMatch: null, stop, appliesTo: task => task.Recurrence is not null, cancellationToken);
        return true;
    }

    /// <summary>The user's task; null when they have no such task (another user's included).</summary>
    public Task<TaskItem?> GetAsync(string userId, int taskId, CancellationToken cancellationToken) =>
        db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);

    public async Task<TaskPage> ListAsync(string userId, TaskQuery query, CancellationToken cancellationToken)
    {
        var page = await query.ReadPageAsync(db.Tasks.AsNoTracking().Where(t => t.UserId == userId), clock.GetUtcNow(), cancellationToken);
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

    public Task<TaskDeletion> DeleteAsync(string userId, int taskId, string? ifMatch, CancellationToken cancellationToken) =>
        db.WithLockedTaskAsync<TaskDeletion>(taskId, userId, async task =>
        {
            if (task is null) return new TaskDeletion.NotFound();
            if (!IfMatchAllows(ifMatch, task)) return new TaskDeletion.Stale();

            db.Tasks.Remove(task);
            db.EnqueueEvent(Topics.TaskEvents, TaskKey(task),
                EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(task.Id, task.UserId), clock));
            db.EnqueueTaskUpdate(task, TaskChangeKind.Deleted, clock);
            await db.SaveChangesAsync(cancellationToken);
            return new TaskDeletion.Deleted(task);
        }, cancellationToken);

    /// <summary>
    /// History outlives the task (a deleted task still has one), so ownership is decided by the audit trail
    /// itself: it only returns events carrying this user's id. A task with no recorded events yet is still
    /// the owner's while it exists here.
    /// </summary>
    public async Task<TaskHistory> HistoryAsync(string userId, int taskId, CancellationToken cancellationToken)
    {
        IReadOnlyList<TaskHistoryEntry> history;
        try
        {
            history = await workers.GetHistoryAsync(taskId, userId, cancellationToken);
        }
        catch (Exception exception) when (WorkersCalls.IsUnavailable(exception))
        {
            logger.LogWarning(exception, "The Workers' audit service did not answer for task {TaskId}.", taskId);
            return new TaskHistory.Unavailable();
        }
        if (history.Count > 0) return new TaskHistory.Found(history);

        var exists = await db.Tasks.AnyAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);
        return exists ? new TaskHistory.Found(history) : new TaskHistory.NotFound();
    }

    public Task<List<CategoryCount>> CategoriesAsync(string userId, CancellationToken cancellationToken) =>
        db.Tasks
            .Where(t => t.UserId == userId && t.Category != null)
            .GroupBy(t => t.Category!)
            .OrderBy(g => g.Key)
            .Select(g => new CategoryCount(g.Key, g.Count()))
            .ToListAsync(cancellationToken);

    /// <summary>unnest() in SQL: EF cannot group the elements of an array column.</summary>
    public Task<List<TagCount>> TagsAsync(string userId, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<TagCount>($"""
            SELECT tag, count(*)::int AS count
            FROM tasks, unnest(tags) AS tag
            WHERE user_id = {userId}
            GROUP BY tag
            ORDER BY tag
            """).ToListAsync(cancellationToken);

    /// <summary>
    /// Applies <paramref name="input"/> to the user's task (when <paramref name="appliesTo"/> it) and saves it with its
    /// <c>task.updated</c> event; nothing changed means no event. The row is locked while it changes, so concurrent
    /// writers queue up: without If-Match the last write wins, and every event's "old" values are the ones its change
    /// really replaced.
    /// </summary>
    private Task<TaskChange> ChangeAsync(
        string userId, int taskId, string? ifMatch, TaskInput input, Func<TaskItem, bool> appliesTo, CancellationToken cancellationToken) =>
        db.WithLockedTaskAsync<TaskChange>(taskId, userId, async task =>
        {
            if (task is null) return new TaskChange.NotFound();
            if (!IfMatchAllows(ifMatch, task)) return new TaskChange.Stale();
            if (!input.FitsTask(task)) return new TaskChange.Invalid(input.Errors);

            var now = Now();
            var changes = appliesTo(task) ? TaskChanges.Apply(task, input, now) : [];
            if (changes.Count > 0)
            {
                task.UpdatedAt = now;
                db.EnqueueEvent(Topics.TaskEvents, TaskKey(task),
                    EventEnvelope.Create(TaskEventTypes.Updated, new TaskUpdatedData(task.Id, task.UserId, changes), clock));
                db.EnqueueTaskUpdate(task, TaskChangeKind.Updated, clock);
                await db.SaveChangesAsync(cancellationToken);
            }
            return new TaskChange.Done(task);
        }, cancellationToken);

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
