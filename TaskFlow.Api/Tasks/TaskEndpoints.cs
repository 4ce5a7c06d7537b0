using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TaskFlow.Api.Data;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// Tasks owned by the signed-in user. Every write stores its event in the outbox in the same transaction;
/// another user's task is indistinguishable from a missing one (404).
/// </summary>
public static class TaskEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/tasks")
            .WithTags("Tasks")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/", CreateAsync)
            .WithName("CreateTask")
            .WithSummary("Create a task")
            .WithDescription("With an Idempotency-Key header, a replay within 24 hours returns the first response and creates nothing; the same key with another body is a 422.")
            .Accepts<CreateTaskRequest>("application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListAsync)
            .WithName("ListTasks")
            .WithSummary("List your tasks: filter, search, sort, page");
        group.MapGet("/{taskId:int}", GetAsync)
            .WithName("GetTask")
            .WithSummary("Get one of your tasks (with its ETag)");
        group.MapPatch("/{taskId:int}", UpdateAsync)
            .WithName("UpdateTask")
            .WithSummary("Change some fields of a task")
            .WithDescription("Only the fields sent change. With If-Match, a stale ETag is a 412; without it the last write wins.")
            .Accepts<UpdateTaskRequest>("application/json")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/{taskId:int}/complete", CompleteAsync)
            .WithName("CompleteTask")
            .WithSummary("Mark a task completed (sets completed_at)")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{taskId:int}/reopen", ReopenAsync)
            .WithName("ReopenTask")
            .WithSummary("Reopen a completed task (back to pending; clears completed_at)")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{taskId:int}", DeleteAsync)
            .WithName("DeleteTask")
            .WithSummary("Delete a task")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/{taskId:int}/history", HistoryAsync)
            .WithName("GetTaskHistory")
            .WithSummary("The task's audit history, oldest first")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary><c>GET /api/categories</c> and <c>GET /api/tags</c>: the user's own, with how many tasks use each.</summary>
    public static RouteGroupBuilder MapTaskLabelEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api")
            .WithTags("Tasks")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/categories", CategoriesAsync).WithName("ListCategories").WithSummary("Your categories with task counts");
        group.MapGet("/tags", TagsAsync).WithName("ListTags").WithSummary("Your tags with task counts");
        return group;
    }

    private static async Task<Results<Created<TaskResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext http, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, CancellationToken cancellationToken)
    {
        var input = await TaskInput.ReadAsync(http.Request, requireTitle: true, cancellationToken);
        if (idempotencyKey is { Length: 0 or > IdempotencyRecord.KeyMaxLength })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyKeyHeader] = [$"The {IdempotencyKeyHeader} header must be 1-{IdempotencyRecord.KeyMaxLength} characters."],
            });
        input.DueDateAgreesWithDueAt(input.TimeZone.GetValueOr(TaskTime.DefaultTimeZone));
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors);

        var userId = user.UserId();
        var requestHash = IdempotencyRecord.Hash(input.RawBody);
        if (idempotencyKey is not null
            && await IdempotencyRecord.FindAsync(db, userId, idempotencyKey, clock.GetUtcNow(), cancellationToken) is { } earlier)
        {
            return Replay(http, earlier, requestHash);
        }

        var now = clock.GetUtcNow().ToDatabasePrecision();
        var task = new TaskItem
        {
            Id = await db.NextTaskIdAsync(cancellationToken),
            UserId = userId,
            Title = input.Title.Value,
            Description = input.Description.GetValueOr(null),
            Priority = input.Priority.GetValueOr(TaskPriority.Medium),
            Category = input.Category.GetValueOr(null),
            Tags = input.Tags.GetValueOr([]),
            CreatedAt = now,
            UpdatedAt = now,
        };
        task.SetDue(input.DueAt.GetValueOr(null), input.DueDate.GetValueOr(null), input.TimeZone.GetValueOr(TaskTime.DefaultTimeZone));
        task.SetStatus(input.Status.GetValueOr(TaskItemStatus.Pending), now);

        db.Tasks.Add(task);
        db.EnqueueEvent(Topics.TaskEvents, TaskKey(task), EventEnvelope.Create(TaskEventTypes.Created, task.ToCreatedData(), clock));
        var response = task.ToResponse();
        if (idempotencyKey is not null)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                UserId = userId,
                Key = idempotencyKey,
                RequestHash = requestHash,
                TaskId = task.Id,
                ResponseBody = JsonSerializer.Serialize(response, json.Value.SerializerOptions),
                CreatedAt = now,
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (idempotencyKey is not null)
        {
            // The same key raced in from another request and won: answer as its replay.
            db.ChangeTracker.Clear();
            var winner = await IdempotencyRecord.FindAsync(db, userId, idempotencyKey, clock.GetUtcNow(), cancellationToken);
            if (winner is null) throw;
            return Replay(http, winner, requestHash);
        }

        http.Response.Headers.ETag = task.ETag();
        return TypedResults.Created($"/api/tasks/{task.Id}", response);
    }

    private static Results<Created<TaskResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult> Replay(
        HttpContext http, IdempotencyRecord earlier, byte[] requestHash)
    {
        if (!earlier.RequestHash.AsSpan().SequenceEqual(requestHash))
            return TypedResults.Problem(
                $"This {IdempotencyKeyHeader} was already used with a different body; use a new key for a new task.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused");
        http.Response.Headers.Location = $"/api/tasks/{earlier.TaskId}";
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Text(earlier.ResponseBody, "application/json", Encoding.UTF8, StatusCodes.Status201Created);
    }

    private static async Task<Results<Ok<TaskListResponse>, ValidationProblem>> ListAsync(
        [AsParameters] TaskQueryParameters parameters, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var query = TaskQuery.Parse(parameters);
        if (!query.IsValid) return TypedResults.ValidationProblem(query.Errors);

        var userId = user.UserId();
        var page = await query.Apply(db.Tasks.AsNoTracking().Where(t => t.UserId == userId), clock.GetUtcNow()).ToListAsync(cancellationToken);
        var hasMore = page.Count > query.Limit;
        if (hasMore) page.RemoveAt(page.Count - 1);
        return TypedResults.Ok(new TaskListResponse(
            page.Select(t => t.ToResponse()).ToList(),
            hasMore ? query.NextCursor(page[^1]) : null));
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>>> GetAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, ApiDbContext db, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var task = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);
        if (task is null) return TaskNotFound(taskId);
        http.Response.Headers.ETag = task.ETag();
        return TypedResults.Ok(task.ToResponse());
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        var input = await TaskInput.ReadAsync(http.Request, requireTitle: false, cancellationToken);
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors);

        return await ChangeAsync(taskId, http, user, db, clock, ifMatch, (task, now) =>
            input.DueDateAgreesWithDueAt(input.TimeZone.GetValueOr(task.TimeZone))
                ? TaskChanges.Apply(task, input, now)
                : null,
            () => TypedResults.ValidationProblem(input.Errors), cancellationToken);
    }

    private static Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ChangeStatusAsync(taskId, TaskItemStatus.Completed, http, user, db, clock, ifMatch, cancellationToken);

    private static Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> ReopenAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ChangeStatusAsync(taskId, TaskItemStatus.Pending, http, user, db, clock, ifMatch, cancellationToken);

    private static Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(
        int taskId, TaskItemStatus status, HttpContext http, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock,
        string? ifMatch, CancellationToken cancellationToken)
    {
        var input = TaskInput.ForStatus(status);
        return ChangeAsync(taskId, http, user, db, clock, ifMatch, (task, now) =>
            // Reopening a task that is not completed leaves it as it is.
            status == TaskItemStatus.Pending && task.Status != TaskItemStatus.Completed ? [] : TaskChanges.Apply(task, input, now),
            () => TypedResults.ValidationProblem(input.Errors), cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the caller's task and saves it with its <c>task.updated</c> event.
    /// <paramref name="change"/> returns the changed fields, or null when the body turned out invalid for this task
    /// (then <paramref name="invalid"/> answers). The row is locked while it changes, so concurrent writers queue up:
    /// without If-Match the last write wins, and every event's "old" values are the ones its change really replaced.
    /// </summary>
    private static Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock, string? ifMatch,
        Func<TaskItem, DateTimeOffset, Dictionary<string, FieldChange>?> change, Func<ValidationProblem> invalid,
        CancellationToken cancellationToken) =>
        db.WithLockedTaskAsync<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>>(
            taskId, user.UserId(), async task =>
            {
                if (task is null) return TaskNotFound(taskId);
                if (!IfMatchAllows(ifMatch, task)) return Stale(taskId);

                var now = clock.GetUtcNow().ToDatabasePrecision();
                var changes = change(task, now);
                if (changes is null) return invalid();
                if (changes.Count > 0)
                {
                    task.UpdatedAt = now;
                    db.EnqueueEvent(Topics.TaskEvents, TaskKey(task),
                        EventEnvelope.Create(TaskEventTypes.Updated, new TaskUpdatedData(task.Id, task.UserId, changes), clock));
                    await db.SaveChangesAsync(cancellationToken);
                }
                http.Response.Headers.ETag = task.ETag();
                return TypedResults.Ok(task.ToResponse());
            }, cancellationToken);

    private static Task<Results<NoContent, NotFound<ProblemDetails>, ProblemHttpResult>> DeleteAsync(
        int taskId, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        db.WithLockedTaskAsync<Results<NoContent, NotFound<ProblemDetails>, ProblemHttpResult>>(
            taskId, user.UserId(), async task =>
            {
                if (task is null) return TaskNotFound(taskId);
                if (!IfMatchAllows(ifMatch, task)) return Stale(taskId);

                db.Tasks.Remove(task);
                db.EnqueueEvent(Topics.TaskEvents, TaskKey(task),
                    EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(task.Id, task.UserId), clock));
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.NoContent();
            }, cancellationToken);

    /// <summary>
    /// History outlives the task (a deleted task still has one), so ownership is decided by the audit trail
    /// itself: it only returns events carrying this user's id. A task with no recorded events yet is still
    /// the owner's while it exists here.
    /// </summary>
    private static async Task<Results<Ok<IReadOnlyList<TaskHistoryEntry>>, NotFound<ProblemDetails>, ProblemHttpResult>> HistoryAsync(
        int taskId, ClaimsPrincipal user, ApiDbContext db, WorkersHistoryClient workers, ILogger<WorkersHistoryClient> logger,
        CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        IReadOnlyList<TaskHistoryEntry> history;
        try
        {
            history = await workers.GetHistoryAsync(taskId, userId, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            logger.LogWarning(exception, "The Workers' audit service did not answer for task {TaskId}.", taskId);
            return TypedResults.Problem("The audit history is unavailable right now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (history.Count > 0) return TypedResults.Ok(history);

        var exists = await db.Tasks.AnyAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);
        return exists ? TypedResults.Ok(history) : TaskNotFound(taskId);
    }

    private static async Task<Ok<List<CategoryCount>>> CategoriesAsync(ClaimsPrincipal user, ApiDbContext db, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        return TypedResults.Ok(await db.Tasks
            .Where(t => t.UserId == userId && t.Category != null)
            .GroupBy(t => t.Category!)
            .OrderBy(g => g.Key)
            .Select(g => new CategoryCount(g.Key, g.Count()))
            .ToListAsync(cancellationToken));
    }

    private static async Task<Ok<List<TagCount>>> TagsAsync(ClaimsPrincipal user, ApiDbContext db, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        // unnest() in SQL: EF cannot group the elements of an array column.
        return TypedResults.Ok(await db.Database.SqlQuery<TagCount>($"""
            SELECT tag, count(*)::int AS count
            FROM tasks, unnest(tags) AS tag
            WHERE user_id = {userId}
            GROUP BY tag
            ORDER BY tag
            """).ToListAsync(cancellationToken));
    }

    /// <summary>No If-Match: last write wins. Otherwise one of the listed tags (or *) must be the current version.</summary>
    private static bool IfMatchAllows(string? ifMatch, TaskItem task)
    {
        if (ifMatch is null) return true;
        if (!EntityTagHeaderValue.TryParseList(ifMatch.Split(','), out var tags)) return false;
        var current = new EntityTagHeaderValue(task.ETag());
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: true));
    }

    private static ProblemHttpResult Stale(int taskId) =>
        TypedResults.Problem($"Task {taskId} changed since you read it (If-Match no longer matches its ETag); read it again and retry.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Task changed meanwhile");

    /// <summary>Postgres keeps microseconds; rounding first makes a response equal what a later read returns.</summary>
    private static DateTimeOffset ToDatabasePrecision(this DateTimeOffset value) =>
        value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));

    private static string TaskKey(TaskItem task) => task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static NotFound<ProblemDetails> TaskNotFound(int taskId) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Title = "Task not found",
            Detail = $"You have no task {taskId}.",
            Status = StatusCodes.Status404NotFound,
        });

    private static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("An authenticated request carries no user id.");
}
