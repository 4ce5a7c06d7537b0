using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
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
    public static RouteGroupBuilder MapTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/tasks")
            .WithTags("Tasks")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapPost("/", CreateAsync)
            .WithName("CreateTask")
            .WithSummary("Create a task")
            .Accepts<CreateTaskRequest>("application/json");
        group.MapGet("/", ListAsync).WithName("ListTasks").WithSummary("List your tasks");
        group.MapGet("/{taskId:int}", GetAsync).WithName("GetTask").WithSummary("Get one of your tasks");
        group.MapPatch("/{taskId:int}", UpdateAsync)
            .WithName("UpdateTask")
            .WithSummary("Change some fields of a task")
            .Accepts<UpdateTaskRequest>("application/json");
        group.MapDelete("/{taskId:int}", DeleteAsync).WithName("DeleteTask").WithSummary("Delete a task");
        group.MapGet("/{taskId:int}/history", HistoryAsync)
            .WithName("GetTaskHistory")
            .WithSummary("The task's audit history, oldest first")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Created<TaskResponse>, ValidationProblem>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var input = await TaskInput.ReadAsync(request, requireTitle: true, cancellationToken);
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors);

        var now = clock.GetUtcNow().ToDatabasePrecision();
        var task = new TaskItem
        {
            Id = await db.NextTaskIdAsync(cancellationToken),
            UserId = user.UserId(),
            Title = input.Title.Value,
            Description = input.Description.GetValueOr(null),
            Priority = input.Priority.GetValueOr(TaskPriority.Medium),
            Category = input.Category.GetValueOr(null),
            DueDate = input.DueDate.GetValueOr(null),
            Status = input.Status.GetValueOr(TaskItemStatus.Pending),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Tasks.Add(task);
        db.EnqueueEvent(Topics.TaskEvents, TaskKey(task), EventEnvelope.Create(TaskEventTypes.Created, task.ToCreatedData(), clock));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/tasks/{task.Id}", task.ToResponse());
    }

    private static async Task<Ok<TaskListResponse>> ListAsync(ClaimsPrincipal user, ApiDbContext db, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new TaskListResponse(tasks.Select(t => t.ToResponse()).ToList()));
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>>> GetAsync(
        int taskId, ClaimsPrincipal user, ApiDbContext db, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var task = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);
        return task is null ? TaskNotFound(taskId) : TypedResults.Ok(task.ToResponse());
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem>> UpdateAsync(
        int taskId, HttpRequest request, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var input = await TaskInput.ReadAsync(request, requireTitle: false, cancellationToken);
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors);

        var userId = user.UserId();
        // A concurrent edit of the same task fails the save (row version); re-read and re-apply so the
        // event's "old" values are always the ones this change really replaced.
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var task = await db.Tasks.SingleOrDefaultAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);
            if (task is null) return TaskNotFound(taskId);

            var changes = TaskChanges.Apply(task, input);
            if (changes.Count == 0) return TypedResults.Ok(task.ToResponse());

            task.UpdatedAt = clock.GetUtcNow().ToDatabasePrecision();
            db.EnqueueEvent(Topics.TaskEvents, TaskKey(task),
                EventEnvelope.Create(TaskEventTypes.Updated, new TaskUpdatedData(task.Id, task.UserId, changes), clock));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Ok(task.ToResponse());
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
            }
        }
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> DeleteAsync(
        int taskId, ClaimsPrincipal user, ApiDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var task = await db.Tasks.SingleOrDefaultAsync(t => t.Id == taskId && t.UserId == userId, cancellationToken);
        if (task is null) return TaskNotFound(taskId);

        db.Tasks.Remove(task);
        db.EnqueueEvent(Topics.TaskEvents, TaskKey(task),
            EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(task.Id, task.UserId), clock));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

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
