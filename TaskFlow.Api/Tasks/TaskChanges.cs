using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// Applies a body to a task and reports every field that really changed, by wire name, as
/// <c>{old, new}</c> — exactly what <c>task.updated</c> carries (tags as whole lists; derived fields such as
/// due_date and completed_at included when they move).
/// </summary>
public static class TaskChanges
{
    public static Dictionary<string, FieldChange> Apply(TaskItem task, TaskInput input, DateTimeOffset now)
    {
        var before = Snapshot(task);

        if (input.Title.IsSet) task.Title = input.Title.Value;
        if (input.Description.IsSet) task.Description = input.Description.Value;
        if (input.Priority.IsSet) task.Priority = input.Priority.Value;
        if (input.Category.IsSet) task.Category = input.Category.Value;
        if (input.Tags.IsSet) task.Tags = input.Tags.Value;
        if (input.Pinned.IsSet) task.Pinned = input.Pinned.Value;
        if (input.DueAt.IsSet || input.DueDate.IsSet || input.TimeZone.IsSet)
        {
            var timeZone = input.TimeZone.GetValueOr(task.TimeZone);
            var (dueAt, dueDate) = input switch
            {
                // A time wins; due_date then follows from it (or is cleared with it).
                { DueAt.IsSet: true } => (input.DueAt.Value, input.DueAt.Value is null ? input.DueDate.GetValueOr(null) : null),
                // A date alone makes the task due that whole day.
                { DueDate.IsSet: true } => (null, input.DueDate.Value),
                // Only the zone moved: the same instant (or the same calendar date) in the new zone.
                _ => (task.DueAt, task.DueAt is null ? task.DueDate : null),
            };
            task.SetDue(dueAt, dueDate, timeZone);
        }
        ApplyReminder(task, input);
        if (input.Recurrence.IsSet) task.SetRecurrence(input.Recurrence.Value);
        if (input.Status.IsSet) task.SetStatus(input.Status.Value, now);
        // Whether the user may move the task there and assign it so is TaskService's to check before.
        if (input.ListId.IsSet) task.ListId = input.ListId.Value;
        if (input.AssigneeId.IsSet) task.AssigneeId = input.AssigneeId.Value;

        var after = Snapshot(task);
        return after
            .Where(field => !JsonNode.DeepEquals(before[field.Key], field.Value))
            .ToDictionary(field => field.Key, field => new FieldChange(before[field.Key], field.Value));
    }

    /// <summary>remind_at fixes the reminder time; remind_before ties it to due_at; null for either clears it.</summary>
    public static void ApplyReminder(TaskItem task, TaskInput input)
    {
        if (input.RemindAt.IsSet) task.RemindAtTime(input.RemindAt.Value);
        else if (input.RemindBefore is { IsSet: true, Value: { } before }) task.RemindBeforeDue(before);
        else if (input.RemindBefore.IsSet) task.RemindAtTime(null);
    }

    /// <summary>
    /// The task as task.created carries it, created by <paramref name="actorId"/>; status and priority go over by their
    /// wire names, the contract.
    /// </summary>
    public static TaskCreatedData ToCreatedData(this TaskItem task, string actorId) => new(
        TaskId: task.Id,
        UserId: task.UserId,
        Title: task.Title,
        Description: task.Description,
        Priority: WireEnum.Parse<TaskEventPriority>(task.Priority.ToWire()),
        Category: task.Category,
        DueDate: task.DueDate,
        Status: WireEnum.Parse<TaskEventStatus>(task.Status.ToWire()),
        Tags: task.Tags,
        DueAt: task.DueAt,
        TimeZone: task.TimeZone,
        RemindAt: task.RemindAt,
        RemindBefore: FormatDuration(task.RemindBefore),
        Recurrence: task.Recurrence,
        SeriesId: task.SeriesId,
        Occurrence: task.Occurrence,
        Pinned: task.Pinned,
        AssigneeId: task.AssigneeId)
    {
        ListId = task.ListId,
        ActorId = actorId,
    };

    /// <summary>Every field a client can change (directly or through another), as it appears on the wire.</summary>
    private static Dictionary<string, JsonNode?> Snapshot(TaskItem task) =>
        TaskFields.All.ToDictionary(field => field.Name, field => JsonSerializer.SerializeToNode(field.Value(task), EventJson.Options));

    public static string? FormatDuration(TimeSpan? duration) => duration is { } d ? System.Xml.XmlConvert.ToString(d) : null;
}
