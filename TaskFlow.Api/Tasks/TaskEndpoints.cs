using System.Diagnostics;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TaskFlow.Api.QuickAdd;
using TaskFlow.ServiceDefaults.WorkersApi;

namespace TaskFlow.Api.Tasks;

/// <summary>The REST face of <see cref="TaskService"/>: routes, OpenAPI descriptions, and outcomes as HTTP answers.</summary>
public static class TaskEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSignedInGroup("/api/tasks", "Tasks");

        group.MapPost("/", CreateAsync)
            .WithName("CreateTask")
            .WithSummary("Create a task")
            .WithDescription("Give the fields, or the task as one line in text (see POST /api/tasks/parse for what it understands), or both: "
                + "the fields sent win over the text. With an Idempotency-Key header, a replay within 24 hours returns the first response and "
                + "creates nothing; the same key with another body is a 422.")
            .AcceptsTaskBody(TaskRequestBodies.Create)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListAsync)
            .WithName("ListTasks")
            .WithSummary("List the tasks of your lists: filter, search, sort, page")
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                TaskSorts.DescribeParameter(operation, context.Document);
                return Task.CompletedTask;
            });
        group.MapGet("/{taskId:int}", GetAsync)
            .WithName("GetTask")
            .WithSummary("Get one of your tasks (with its ETag)");
        group.MapPatch("/{taskId:int}", UpdateAsync)
            .WithName("UpdateTask")
            .WithSummary("Change some fields of a task")
            .WithDescription("Only the fields sent change. With If-Match, a stale ETag is a 412; without it the last write wins.")
            .AcceptsTaskBody(TaskRequestBodies.Update)
            .ProducesProblem(StatusCodes.Status403Forbidden)
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
        var group = routes.MapSignedInGroup("/api", "Tasks");
        group.MapGet("/categories", async Task<Ok<List<CategoryCount>>> (ClaimsPrincipal user, TaskService tasks, CancellationToken ct) =>
                TypedResults.Ok(await tasks.CategoriesAsync(user.UserId(), ct)))
            .WithName("ListCategories").WithSummary("Your categories with task counts");
        group.MapGet("/tags", async Task<Ok<List<TagCount>>> (ClaimsPrincipal user, TaskService tasks, CancellationToken ct) =>
                TypedResults.Ok(await tasks.TagsAsync(user.UserId(), ct)))
            .WithName("ListTags").WithSummary("Your tags with task counts");
        return group;
    }

    private static async Task<Results<Created<TaskResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult, NotFound<ProblemDetails>>> CreateAsync(
        HttpContext http, ClaimsPrincipal user, TaskService tasks, TimeProvider clock,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey is { Length: 0 or > IdempotencyRecord.KeyMaxLength })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyKeyHeader] = [$"The {IdempotencyKeyHeader} header must be 1-{IdempotencyRecord.KeyMaxLength} characters."],
            });

        var body = await TaskInput.ReadBodyAsync(http.Request, cancellationToken);
        var input = QuickAddRequest.TaskInputOf(body, requireTitle: true, http.Request.Headers.AcceptLanguage, clock.GetUtcNow(), out _);
        switch (await tasks.CreateAsync(user.UserId(), input, idempotencyKey, cancellationToken))
        {
            case TaskCreation.Created(var task):
                http.Response.Headers.ETag = task.ETag();
                return TypedResults.Created($"/api/tasks/{task.Id}", task.ToResponse());
            case TaskCreation.Replayed(var earlier):
                http.Response.Headers.Location = $"/api/tasks/{earlier.TaskId}";
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Text(earlier.ResponseBody, "application/json", Encoding.UTF8, StatusCodes.Status201Created);
            case TaskCreation.KeyReused:
                return TypedResults.Problem(
                    $"This {IdempotencyKeyHeader} was already used with a different body; use a new key for a new task.",
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused");
            case TaskCreation.Invalid(var errors):
                return TypedResults.ValidationProblem(errors);
            case TaskCreation.ListNotFound(var listId):
                return ListNotFound(listId);
            case TaskCreation.Forbidden(var listId):
                return ViewerOnly($"You are a viewer of list {listId}: only its owner and editors add tasks to it.");
            default:
                throw new UnreachableException();
        }
    }

    private static async Task<Results<Ok<TaskListResponse>, ValidationProblem, NotFound<ProblemDetails>>> ListAsync(
        [AsParameters] TaskQueryParameters parameters, ClaimsPrincipal user, TaskService tasks, CancellationToken cancellationToken)
    {
        var query = TaskQuery.Parse(parameters);
        if (!query.IsValid) return TypedResults.ValidationProblem(query.Errors);
        if (await tasks.ListAsync(user.UserId(), query, cancellationToken) is not { } page) return ListNotFound(query.ListId!.Value);
        return TypedResults.Ok(new TaskListResponse(page.Items.Select(t => t.ToResponse()).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>>> GetAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, TaskService tasks, CancellationToken cancellationToken) =>
        await tasks.GetAsync(user.UserId(), taskId, cancellationToken) is { } task ? WithETag(task, http) : TaskNotFound(taskId);

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, TaskService tasks,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        var input = await TaskInput.ReadAsync(http.Request, requireTitle: false, cancellationToken);
        return ToHttp(await tasks.UpdateAsync(user.UserId(), taskId, input, ifMatch, cancellationToken), taskId, http);
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, TaskService tasks,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ToHttp(await tasks.CompleteAsync(user.UserId(), taskId, ifMatch, cancellationToken), taskId, http);

    private static async Task<Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> ReopenAsync(
        int taskId, HttpContext http, ClaimsPrincipal user, TaskService tasks,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        ToHttp(await tasks.ReopenAsync(user.UserId(), taskId, ifMatch, cancellationToken), taskId, http);

    private static async Task<Results<NoContent, NotFound<ProblemDetails>, ProblemHttpResult>> DeleteAsync(
        int taskId, ClaimsPrincipal user, TaskService tasks,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) =>
        await tasks.DeleteAsync(user.UserId(), taskId, ifMatch, cancellationToken) switch
        {
            TaskDeletion.Deleted => TypedResults.NoContent(),
            TaskDeletion.Stale => Stale(taskId),
            TaskDeletion.NotFound => TaskNotFound(taskId),
            TaskDeletion.Forbidden => ViewerOnly(ViewerCannotChange(taskId)),
            _ => throw new UnreachableException(),
        };

    private static async Task<Results<Ok<IReadOnlyList<TaskHistoryEntry>>, NotFound<ProblemDetails>, ProblemHttpResult>> HistoryAsync(
        int taskId, ClaimsPrincipal user, TaskService tasks, CancellationToken cancellationToken)
    {
        return await tasks.HistoryAsync(user.UserId(), taskId, cancellationToken) switch
        {
            TaskHistory.Found(var entries) => TypedResults.Ok(entries),
            TaskHistory.Unavailable => TypedResults.Problem("The audit history is unavailable right now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable),
            TaskHistory.NotFound => TaskNotFound(taskId),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>A changed task's answer: the task with its ETag, or why not (404, 412, 400).</summary>
    private static Results<Ok<TaskResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult> ToHttp(
        TaskChange change, int taskId, HttpContext http) => change switch
        {
            TaskChange.Done(var task) => WithETag(task, http),
            TaskChange.Invalid(var errors) => TypedResults.ValidationProblem(errors),
            TaskChange.Stale => Stale(taskId),
            TaskChange.NotFound => TaskNotFound(taskId),
            TaskChange.Forbidden => ViewerOnly(ViewerCannotChange(taskId)),
            TaskChange.ListNotFound(var listId) => ListNotFound(listId),
            _ => throw new UnreachableException(),
        };

    private static Ok<TaskResponse> WithETag(TaskItem task, HttpContext http)
    {
        http.Response.Headers.ETag = task.ETag();
        return TypedResults.Ok(task.ToResponse());
    }

    private static ProblemHttpResult Stale(int taskId) =>
        TypedResults.Problem($"Task {taskId} changed since you read it (If-Match no longer matches its ETag); read it again and retry.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Task changed meanwhile");

    private static NotFound<ProblemDetails> TaskNotFound(int taskId) => NotFoundProblem.YouHaveNo("task", taskId);

    private static NotFound<ProblemDetails> ListNotFound(int listId) => NotFoundProblem.YouHaveNo("list", listId);

    /// <summary>What a viewer hears when they try to change a task (or to move it to a list they only view).</summary>
    public static string ViewerCannotChange(int taskId) =>
        $"You can see task {taskId} but not change it here: you are a viewer of its list (or of the list it was to move to).";

    private static ProblemHttpResult ViewerOnly(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Viewers cannot change tasks");
}
