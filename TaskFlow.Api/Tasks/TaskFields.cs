using System.Text.Json.Nodes;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// One field of a task as clients see it: its wire name, its value on the wire, and (when clients set it) the JSON
/// Schema of what they may send. Fields without a schema follow from others (series_id, occurrence, completed_at).
/// </summary>
public sealed record TaskField(string Name, Func<TaskItem, object?> Value, JsonObject? Schema = null)
{
    public bool Settable => Schema is not null;
}

/// <summary>
/// A task's fields, in one place and in wire order: the parser's known fields (<see cref="TaskInput"/>), what change
/// tracking compares (<see cref="TaskChanges"/>), the agent tools' argument schemas and the OpenAPI request bodies
/// (<see cref="TaskRequestBodies"/>) come from here; the records that carry them (TaskResponse, task.created) are held
/// to this list by the fast tests.
/// </summary>
public static class TaskFields
{
    public static readonly IReadOnlyList<TaskField> All =
    [
        new("title", t => t.Title,
            new() { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = TaskLimits.TitleMaxLength, ["description"] = "What is to be done." }),
        new("description", t => t.Description,
            new() { ["type"] = new JsonArray("string", "null"), ["maxLength"] = TaskLimits.DescriptionMaxLength, ["description"] = "Details." }),
        new("priority", t => t.Priority.ToWire(), EnumSchema<TaskPriority>("How important the task is.")),
        new("category", t => t.Category,
            new() { ["type"] = new JsonArray("string", "null"), ["maxLength"] = TaskLimits.CategoryMaxLength, ["description"] = "One category, such as work or home." }),
        new("tags", t => t.Tags, new()
        {
            ["type"] = "array",
            ["items"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = TaskLimits.TagMaxLength },
            ["maxItems"] = TaskLimits.MaxTags,
            ["description"] = "Labels, case-insensitive and unique. Replaces the task's tags.",
        }),
        new("pinned", t => t.Pinned,
            new() { ["type"] = "boolean", ["description"] = "Kept at hand by its user; default false." }),
        new("due_date", t => t.DueDate,
            new() { ["type"] = new JsonArray("string", "null"), ["format"] = "date", ["description"] = "Due that whole day (yyyy-MM-dd)." }),
        new("due_at", t => t.DueAt,
            new() { ["type"] = new JsonArray("string", "null"), ["format"] = "date-time", ["description"] = "Due at this moment, with offset (2026-12-01T09:00:00+01:00)." }),
        new("time_zone", t => t.TimeZone,
            new() { ["type"] = "string", ["description"] = "IANA time zone the task lives in (Europe/Berlin); default UTC. due_date is read in this zone." }),
        new("remind_at", t => t.RemindAt,
            new() { ["type"] = new JsonArray("string", "null"), ["format"] = "date-time", ["description"] = "When to remind, as a date-time with offset (2026-12-01T08:45:00+01:00)." }),
        new("remind_before", t => TaskChanges.FormatDuration(t.RemindBefore),
            new() { ["type"] = new JsonArray("string", "null"), ["description"] = "How long before the task is due to remind, as an ISO-8601 duration (PT15M, PT2H, P1D)." }),
        new("recurrence", t => t.Recurrence, new()
        {
            ["type"] = new JsonArray("string", "null"),
            ["description"] = "daily, weekdays, weekly, monthly, yearly, \"every N days|weeks|months\", or an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10. The task needs a due date; null stops repeating.",
        }),
        new("series_id", t => t.SeriesId),
        new("occurrence", t => t.Occurrence),
        new("status", t => t.Status.ToWire(), EnumSchema<TaskItemStatus>("Where the task stands.")),
        new("completed_at", t => t.CompletedAt),
        new("list_id", t => t.ListId, new()
        {
            ["type"] = "integer",
            ["minimum"] = 1,
            ["description"] = "The list the task is in, one whose tasks you may edit; default your Inbox. A new list_id moves the task.",
        }),
        new("assignee_id", t => t.AssigneeId, new()
        {
            ["type"] = new JsonArray("string", "null"),
            ["maxLength"] = 450,
            ["description"] = "The user id of the member the task is assigned to (an owner or editor of its list; see GET /api/lists/{id}/members); null: nobody.",
        }),
    ];

    /// <summary>The fields a client may send, in wire order.</summary>
    public static readonly IReadOnlyList<string> SettableNames = [.. All.Where(f => f.Settable).Select(f => f.Name)];

    /// <summary>A settable field's schema, as a new node (a JSON node has one parent).</summary>
    public static JsonObject SchemaOf(string name) =>
        (All.Single(f => f.Name == name).Schema ?? throw new ArgumentException($"{name} is not set by clients.", nameof(name))).DeepClone().AsObject();

    /// <summary>The schema of an enum as the wire writes it: one of its snake_case names.</summary>
    public static JsonObject EnumSchema<TEnum>(string description) where TEnum : struct, System.Enum => new()
    {
        ["type"] = "string",
        ["enum"] = new JsonArray(System.Enum.GetValues<TEnum>().Select(v => (JsonNode?)v.ToWire()).ToArray()),
        ["description"] = description,
    };
}
