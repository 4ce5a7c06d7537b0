using System.Globalization;
using System.Text.Json.Nodes;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.QuickAdd;

/// <summary>
/// Words of the line that were understood: <see cref="Field"/> is what they set (due, recurrence, priority, tags,
/// category, reminder); <see cref="Start"/> and <see cref="Length"/> count UTF-16 code units, as JavaScript strings do.
/// </summary>
public sealed record QuickAddSpan(string Field, int Start, int Length, string Text);

/// <summary>What a quick-add line says, in the task's fields.</summary>
public sealed record QuickAddResult(
    string Title,
    TaskPriority? Priority,
    string? Category,
    IReadOnlyList<string> Tags,
    DateOnly? DueDate,
    TimeOnly? DueTime,
    string? Recurrence,
    TimeSpan? RemindBefore,
    string TimeZone,
    IReadOnlyList<QuickAddSpan> Spans)
{
    /// <summary>The due moment: the date's wall-clock time in the zone (a time skipped by DST moves on by the jump; a repeated one is its first).</summary>
    public DateTimeOffset? DueAt => DueDate is { } date && DueTime is { } time ? Instant(date.ToDateTime(time), TimeZone) : null;

    /// <summary>The body <c>POST /api/tasks</c> takes for this task: only the fields the line set, so the task body's own checks apply.</summary>
    public JsonObject ToTaskBody()
    {
        var body = new JsonObject { ["title"] = Title, ["time_zone"] = TimeZone };
        if (Priority is { } priority) body["priority"] = priority.ToWire();
        if (Category is not null) body["category"] = Category;
        if (Tags.Count > 0) body["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode?)t)]);
        if (DueAt is { } dueAt) body["due_at"] = dueAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        else if (DueDate is { } date) body["due_date"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (RemindBefore is { } before) body["remind_before"] = TaskChanges.FormatDuration(before);
        if (Recurrence is not null) body["recurrence"] = Recurrence;
        return body;
    }

    private static DateTimeOffset Instant(DateTime local, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        if (zone.IsInvalidTime(local))
            return TimeZoneInfo.ConvertTime(new DateTimeOffset(local, zone.GetUtcOffset(local.AddDays(-1))), zone);
        if (zone.IsAmbiguousTime(local)) return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
