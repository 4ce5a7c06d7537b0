using System.Text.Json.Nodes;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// Applies a PATCH to a task and records every field that really changed, by wire name, as
/// <c>{old, new}</c> — exactly what <c>task.updated</c> carries.
/// </summary>
public static class TaskChanges
{
    public static Dictionary<string, FieldChange> Apply(TaskItem task, TaskInput input)
    {
        var changes = new Dictionary<string, FieldChange>();
        if (input.Title.IsSet && input.Title.Value != task.Title)
        {
            changes["title"] = Change(task.Title, input.Title.Value);
            task.Title = input.Title.Value;
        }
        if (input.Description.IsSet && input.Description.Value != task.Description)
        {
            changes["description"] = Change(task.Description, input.Description.Value);
            task.Description = input.Description.Value;
        }
        if (input.Priority.IsSet && input.Priority.Value != task.Priority)
        {
            changes["priority"] = Change(task.Priority.ToWire(), input.Priority.Value.ToWire());
            task.Priority = input.Priority.Value;
        }
        if (input.Category.IsSet && input.Category.Value != task.Category)
        {
            changes["category"] = Change(task.Category, input.Category.Value);
            task.Category = input.Category.Value;
        }
        if (input.DueDate.IsSet && input.DueDate.Value != task.DueDate)
        {
            changes["due_date"] = Change(FormatDate(task.DueDate), FormatDate(input.DueDate.Value));
            task.DueDate = input.DueDate.Value;
        }
        if (input.Status.IsSet && input.Status.Value != task.Status)
        {
            changes["status"] = Change(task.Status.ToWire(), input.Status.Value.ToWire());
            task.Status = input.Status.Value;
        }
        return changes;
    }

    public static TaskCreatedData ToCreatedData(this TaskItem task) =>
        new(task.Id, task.UserId, task.Title, task.Description, task.Priority.ToWire(), task.Category, task.DueDate, task.Status.ToWire());

    private static FieldChange Change(string? oldValue, string? newValue) =>
        new(oldValue is null ? null : JsonValue.Create(oldValue), newValue is null ? null : JsonValue.Create(newValue));

    private static string? FormatDate(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
