using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.QuickAdd;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.AgentTools;

/// <summary>
/// The task tools for AI agents (and, at the end, the list tools of <see cref="ListTools"/>). Arguments carry REST's field names; every tool goes through <see cref="TaskService"/>
/// and task bodies through <see cref="TaskInput.Parse"/>, so validation, ownership and outbox events are REST's own.
/// A bad argument or a task the caller does not have is an error answer with a message, never an exception.
/// </summary>
public static class TaskTools
{
    public static readonly IReadOnlyList<TaskTool> All =
    [
        new("add_task", "Add a task",
            "Create a task for the signed-in user. Only title is required; priority defaults to medium, status to pending. "
            + "Give due_at for a moment (with offset) or due_date for a whole day. Returns the task with its task_id.",
            Schema(["title"], TaskArguments()),
            ReadOnly: false, Destructive: false, AddAsync),
        new("quick_add", "Add a task from a sentence",
            "Create a task from one line as a person would say it, e.g. \"Pay rent every month on the 1st at 9am #bills !high\": "
            + "dates, times, recurrences, reminders, priority, #tags and @category are read into the task's fields, the rest is the title. "
            + "Give time_zone (the user's IANA zone) so that tomorrow and 9am are theirs. Returns the task and the words that set each field.",
            Schema([QuickAddRequest.TextField], QuickAddArguments()),
            ReadOnly: false, Destructive: false, QuickAddAsync),
        new("read_task_text", "Read a sentence as a task",
            "What quick_add would create from a line, without creating it: the task's fields and the words that set each one.",
            Schema([QuickAddRequest.TextField], QuickAddArguments()),
            ReadOnly: true, Destructive: false, ReadTextAsync),
        new("list_tasks", "List tasks",
            "List the tasks of the signed-in user's lists (or of one list), filtered, searched and sorted. All arguments are optional; results come in pages "
            + "(items, next_cursor): pass next_cursor as cursor to get the next page.",
            Schema([],
                ("status", TaskFields.EnumSchema<TaskItemStatus>("Only tasks with this status.")),
                ("priority", TaskFields.EnumSchema<TaskPriority>("Only tasks with this priority.")),
                ("category", Text("Only tasks in this category (exact, case-insensitive).")),
                ("tag", new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Only tasks carrying every one of these tags." }),
                ("query", Text("Case-insensitive text to find in title or description.")),
                ("due_after", Text("Due at or after this date-time (with offset) or date (yyyy-MM-dd).")),
                ("due_before", Text("Due strictly before this date-time (with offset) or date (yyyy-MM-dd).")),
                ("overdue", new JsonObject { ["type"] = "boolean", ["description"] = "true: only tasks past due and not completed; false: only the others." }),
                ("list_id", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "Only the tasks of this list (list_id from list_lists)." }),
                ("assignee", Text("me: only tasks assigned to the user; none: only unassigned tasks; or a member's user id.")),
                ("sort", TaskSorts.Schema),
                ("limit", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = TaskQuery.MaxLimit, ["description"] = $"Page size; default {TaskQuery.DefaultLimit}." }),
                ("cursor", Text("next_cursor of the previous page."))),
            ReadOnly: true, Destructive: false, ListAsync),
        new("get_task", "Get a task", "Get one of the signed-in user's tasks by task_id.",
            Schema(["task_id"], TaskId()),
            ReadOnly: true, Destructive: false,
            WithTaskId(async (call, id) => await call.Tasks.GetAsync(call.UserId, id, call.CancellationToken) is { } task ? TaskAnswer(task) : NotFound(id))),
        new("update_task", "Update a task",
            "Change some fields of a task: only the arguments given change; null clears description, category, due_date and due_at. "
            + "To complete or reopen a task prefer complete_task / reopen_task.",
            Schema(["task_id"], [TaskId(), .. TaskArguments()]),
            ReadOnly: false, Destructive: false, Changing(UpdateAsync)),
        new("complete_task", "Complete a task", "Mark a task completed (sets completed_at). Completing a completed task changes nothing.",
            Schema(["task_id"], TaskId()),
            ReadOnly: false, Destructive: false,
            Changing((call, id) => call.Tasks.CompleteAsync(call.UserId, id, null, call.CancellationToken))),
        new("reopen_task", "Reopen a task", "Reopen a completed task: back to pending, completed_at cleared. A task that is not completed stays as it is.",
            Schema(["task_id"], TaskId()),
            ReadOnly: false, Destructive: false,
            Changing((call, id) => call.Tasks.ReopenAsync(call.UserId, id, null, call.CancellationToken))),
        new("delete_task", "Delete a task", "Delete a task for good. Its audit history stays readable through task_history.",
            Schema(["task_id"], TaskId()),
            ReadOnly: false, Destructive: true,
            WithTaskId(async (call, id) => await call.Tasks.DeleteAsync(call.UserId, id, null, call.CancellationToken) switch
            {
                TaskDeletion.Deleted => ToolAnswer.Ok(new JsonObject { ["task_id"] = id, ["deleted"] = true }),
                TaskDeletion.Forbidden => ToolAnswer.Error(TaskEndpoints.ViewerCannotChange(id)),
                _ => NotFound(id),
            })),
        new("set_reminder", "Set a reminder",
            "Remind the user about a task: either at a moment (remind_at) or some time before it is due (remind_before). null clears it.",
            Schema(["task_id"], TaskId(), TaskArgument("remind_at"), TaskArgument("remind_before")),
            ReadOnly: false, Destructive: false, Requiring(["remind_at", "remind_before"], Changing(UpdateAsync))),
        new("set_recurrence", "Set a recurrence",
            "Make a task repeat: when it is completed, the next occurrence is created. null stops the repetition.",
            Schema(["task_id", "recurrence"], TaskId(), TaskArgument("recurrence")),
            ReadOnly: false, Destructive: false, Changing(UpdateAsync)),
        new("task_history", "Task history", "The audit history of a task, oldest first: every event with the fields it changed (old and new values).",
            Schema(["task_id"], TaskId()),
            ReadOnly: true, Destructive: false, HistoryAsync),
        .. ListTools.All,
    ];

    private static Task<TaskChange> UpdateAsync(TaskToolCall call, int taskId) =>
        call.Tasks.UpdateAsync(call.UserId, taskId, TaskInput.Parse(call.BodyWithoutTaskId(), requireTitle: false), null, call.CancellationToken);

    private static async Task<ToolAnswer> AddAsync(TaskToolCall call)
    {
        var input = TaskInput.Parse(JsonSerializer.SerializeToUtf8Bytes(call.Arguments), requireTitle: true);
        return await call.Tasks.CreateAsync(call.UserId, input, idempotencyKey: null, call.CancellationToken) switch
        {
            TaskCreation.Created(var task) => TaskAnswer(task),
            TaskCreation.Invalid(var errors) => ToolAnswer.Invalid(errors),
            var refused when CreationRefused(refused) is { } answer => answer,
            // Replayed and KeyReused need an idempotency key, which add_task does not take.
            _ => throw new UnreachableException(),
        };
    }

    private static async Task<ToolAnswer> QuickAddAsync(TaskToolCall call)
    {
        if (ReadText(call, out var errors) is not { } request) return ToolAnswer.Invalid(errors);
        return await call.Tasks.CreateAsync(call.UserId, request.ToTaskInput(), idempotencyKey: null, call.CancellationToken) switch
        {
            TaskCreation.Created(var task) => ToolAnswer.Ok(new JsonObject { ["task"] = ToJson(task.ToResponse()), ["understood"] = ToJson(request.Result.Spans) }),
            TaskCreation.Invalid(var invalid) => ToolAnswer.Invalid(invalid),
            var refused when CreationRefused(refused) is { } answer => answer,
            _ => throw new UnreachableException(),
        };
    }

    private static Task<ToolAnswer> ReadTextAsync(TaskToolCall call)
    {
        if (ReadText(call, out var errors) is not { } request) return Task.FromResult(ToolAnswer.Invalid(errors));
        var input = request.ToTaskInput();
        if (!input.IsValid || !input.FitsTask(task: null)) return Task.FromResult(ToolAnswer.Invalid(input.Errors));
        return Task.FromResult(ToolAnswer.Ok(ToJson(QuickAddPreview.Of(request))));
    }

    /// <summary>The tools' arguments read as REST reads a quick-add body (no Accept-Language here: locale or en-US).</summary>
    private static QuickAddRequest? ReadText(TaskToolCall call, out Dictionary<string, string[]> errors) =>
        QuickAddRequest.Read(call.Arguments, acceptLanguage: null, call.Tasks.Clock.GetUtcNow(), out errors);

    private static async Task<ToolAnswer> ListAsync(TaskToolCall call)
    {
        var errors = new Dictionary<string, string[]>();
        string? Scalar(string name)
        {
            switch (call.Arguments[name])
            {
                case null:
                    return null;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    return value.GetValue<string>();
                case JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    return value.ToJsonString();
                default:
                    errors[name] = [$"The {name} must be a single value."];
                    return null;
            }
        }
        string[]? tags = call.Arguments["tag"] switch
        {
            null => null,
            JsonArray array when array.All(t => t is JsonValue v && v.GetValueKind() == JsonValueKind.String) => array.Select(t => t!.GetValue<string>()).ToArray(),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
            _ => null,
        };
        if (tags is null && call.Arguments["tag"] is not null) errors["tag"] = ["The tag must be an array of strings."];

        var query = TaskQuery.Parse(new TaskQueryParameters(
            Scalar("status"), Scalar("priority"), Scalar("category"), tags, Scalar("query"), Scalar("due_before"), Scalar("due_after"),
            Scalar("overdue"), Scalar("list_id"), Scalar("assignee"), Scalar("sort"), Scalar("limit"), Scalar("cursor")));
        foreach (var (field, messages) in query.Errors) errors.TryAdd(field == "q" ? "query" : field, messages);
        if (errors.Count > 0) return ToolAnswer.Invalid(errors);

        if (await call.Tasks.ListAsync(call.UserId, query, call.CancellationToken) is not { } page) return ListNotFound(query.ListId!.Value);
        return ToolAnswer.Ok(ToJson(new TaskListResponse(page.Items.Select(t => t.ToResponse()).ToList(), page.NextCursor)));
    }

    private static async Task<ToolAnswer> HistoryAsync(TaskToolCall call)
    {
        if (call.TaskId(out var error) is not { } taskId) return error!;
        return await call.Tasks.HistoryAsync(call.UserId, taskId, call.CancellationToken) switch
        {
            TaskHistory.Found(var entries) => ToolAnswer.Ok(ToJson(entries)),
            TaskHistory.Unavailable => ToolAnswer.Error("The audit history is unavailable right now; try again shortly."),
            TaskHistory.NotFound => NotFound(taskId),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>A tool on one task: its task_id is checked first, then <paramref name="run"/> answers.</summary>
    private static Func<TaskToolCall, Task<ToolAnswer>> WithTaskId(Func<TaskToolCall, int, Task<ToolAnswer>> run) => async call =>
        call.TaskId(out var error) is { } taskId ? await run(call, taskId) : error!;

    /// <summary>A tool that changes the task: its answer is the task as it is now.</summary>
    private static Func<TaskToolCall, Task<ToolAnswer>> Changing(Func<TaskToolCall, int, Task<TaskChange>> change) => WithTaskId(async (call, taskId) =>
        await change(call, taskId) switch
        {
            TaskChange.Done(var task) => TaskAnswer(task),
            TaskChange.Invalid(var errors) => ToolAnswer.Invalid(errors),
            // Tools send no If-Match, so a change is never stale.
            TaskChange.NotFound or TaskChange.Stale => NotFound(taskId),
            TaskChange.Forbidden => ToolAnswer.Error(TaskEndpoints.ViewerCannotChange(taskId)),
            TaskChange.ListNotFound(var listId) => ListNotFound(listId),
            _ => throw new UnreachableException(),
        });

    /// <summary>At least one of <paramref name="anyOf"/> must be given (null counts: it clears).</summary>
    private static Func<TaskToolCall, Task<ToolAnswer>> Requiring(string[] anyOf, Func<TaskToolCall, Task<ToolAnswer>> run) => call =>
        anyOf.Any(call.Arguments.ContainsKey)
            ? run(call)
            : Task.FromResult(ToolAnswer.Error($"Give {string.Join(" or ", anyOf)}."));

    private static ToolAnswer TaskAnswer(TaskItem task) => ToolAnswer.Ok(ToJson(task.ToResponse()));

    private static ToolAnswer NotFound(int? taskId) =>
        ToolAnswer.Error($"You have no task {taskId}. Use list_tasks to find the task_id of one of your tasks.");

    private static ToolAnswer ListNotFound(int listId) =>
        ToolAnswer.Error($"You have no list {listId}. Use list_lists to find the list_id of one of your lists.");

    /// <summary>A creation refused for its list (no such list of the user's, or one they only view); null for other outcomes.</summary>
    private static ToolAnswer? CreationRefused(TaskCreation creation) => creation switch
    {
        TaskCreation.ListNotFound(var listId) => ListNotFound(listId),
        TaskCreation.Forbidden(var listId) => ToolAnswer.Error($"You are a viewer of list {listId}: only its owner and editors add tasks to it."),
        _ => null,
    };

    private static JsonNode ToJson<T>(T value) => JsonSerializer.SerializeToNode(value, EventJson.Options)!;

    /// <summary>A tool's argument schema: a closed object of the properties given.</summary>
    internal static JsonObject Schema(string[] required, params (string Name, JsonObject Schema)[] properties) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)p.Schema))),
        ["required"] = new JsonArray(required.Select(r => (JsonNode?)r).ToArray()),
        ["additionalProperties"] = false,
    };

    internal static JsonObject Text(string description) => new() { ["type"] = "string", ["description"] = description };

    private static (string, JsonObject) TaskId() =>
        ("task_id", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "The task's id (task_id in the results of add_task and list_tasks)." });

    /// <summary>
    /// The task fields add_task and update_task take: every field clients set, except the reminder and the recurrence,
    /// which have tools of their own (set_reminder, set_recurrence).
    /// </summary>
    private static (string, JsonObject)[] TaskArguments() =>
        [.. TaskFields.SettableNames.Where(name => name is not ("remind_at" or "remind_before" or "recurrence")).Select(TaskArgument)];

    private static (string, JsonObject)[] QuickAddArguments() =>
        [(QuickAddRequest.TextField, QuickAddRequest.TextSchema), TaskArgument("time_zone"), (QuickAddRequest.LocaleField, QuickAddRequest.LocaleSchema)];

    private static (string, JsonObject) TaskArgument(string name) => (name, TaskFields.SchemaOf(name));
}
