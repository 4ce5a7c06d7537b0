using System.Globalization;
using System.Text.Json;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// Reads a task body field by field, so every bad field is named in the 400 and a PATCH can tell
/// "absent" (leave alone) from <c>null</c> (clear).
/// </summary>
public sealed class TaskInput
{
    private static readonly IReadOnlyList<string> KnownFields = TaskFields.SettableNames;

    private readonly Dictionary<string, List<string>> _errors = [];

    public Optional<string> Title { get; private set; }
    public Optional<string?> Description { get; private set; }
    public Optional<TaskPriority> Priority { get; private set; }
    public Optional<string?> Category { get; private set; }
    public Optional<List<string>> Tags { get; private set; }
    public Optional<bool> Pinned { get; private set; }
    public Optional<DateOnly?> DueDate { get; private set; }
    public Optional<DateTimeOffset?> DueAt { get; private set; }
    public Optional<string> TimeZone { get; private set; }
    public Optional<DateTimeOffset?> RemindAt { get; private set; }
    public Optional<TimeSpan?> RemindBefore { get; private set; }
    /// <summary>The normalized RRULE (presets already turned into theirs), or null to stop repeating.</summary>
    public Optional<string?> Recurrence { get; private set; }
    public Optional<TaskItemStatus> Status { get; private set; }
    /// <summary>The list to put (or move) the task in; whether the user may is the service's to check.</summary>
    public Optional<int> ListId { get; private set; }
    /// <summary>The member to assign the task to, or null for nobody; whether they are one is the service's to check.</summary>
    public Optional<string?> AssigneeId { get; private set; }

    /// <summary>The body exactly as sent: an idempotent replay must send the same bytes.</summary>
    public byte[] RawBody { get; private set; } = [];

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    /// <summary>An input that failed before it became task fields (a quick-add request naming its bad fields).</summary>
    public static TaskInput WithErrors(IDictionary<string, string[]> errors)
    {
        var input = new TaskInput();
        foreach (var (field, messages) in errors)
            foreach (var message in messages) input.Fail(field, message);
        return input;
    }

    /// <summary>Leaves the task assigned to nobody (the task moves where its assignee cannot edit).</summary>
    public void Unassign() => AssigneeId = new((string?)null);

    /// <summary>The input of the complete/reopen shortcuts: a status change and nothing else.</summary>
    public static TaskInput ForStatus(TaskItemStatus status) => new() { Status = status };

    /// <summary>The input that assigns a task to <paramref name="assigneeId"/> (null: nobody) and changes nothing else.</summary>
    public static TaskInput ForAssignee(string? assigneeId) => new() { AssigneeId = new(assigneeId) };

    /// <summary>The input that sets or (null) clears a task's recurrence and nothing else.</summary>
    public static TaskInput ForRecurrence(string? rule) => new() { Recurrence = new(rule) };

    /// <summary>The input of a snooze: a new reminder time and nothing else.</summary>
    public static TaskInput ForReminder(DateTimeOffset remindAt) => new() { RemindAt = new((DateTimeOffset?)remindAt) };

    /// <summary>
    /// Reads the request body; a body that is not a JSON object yields a <c>body</c> error. (A body that is not
    /// declared as JSON never gets here: the endpoint's Accepts metadata answers 415 first.)
    /// </summary>
    public static async Task<TaskInput> ReadAsync(HttpRequest request, bool requireTitle, CancellationToken cancellationToken) =>
        Parse(await ReadBodyAsync(request, cancellationToken), requireTitle);

    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a body given as JSON bytes (an HTTP body, or the arguments of an MCP tool call). <paramref name="sentBody"/>:
    /// what the client sent when <paramref name="json"/> was made from it (a quick-add line read into fields), for
    /// idempotent replays, which compare what was sent. <paramref name="readInstead"/>: a reader for bodies that are not
    /// task fields (a quick-add line); it sees the object once it passed the checks every body gets (UTF-8, JSON, an
    /// object, decodable text), and null from it means "task fields after all".
    /// </summary>
    public static TaskInput Parse(byte[] json, bool requireTitle, byte[]? sentBody = null, Func<JsonElement, TaskInput?>? readInstead = null)
    {
        var input = new TaskInput { RawBody = sentBody ?? json };
        // The JSON reader leaves string contents unchecked until they are read, and then throws.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            input.Fail("body", "The body is not valid UTF-8.");
            return input;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            input.Fail("body", $"The body is not valid JSON: {exception.Message}");
            return input;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                input.Fail("body", "The body must be a JSON object.");
                return input;
            }
            if (StorableText.UndecodableProperty(document.RootElement) is { } undecodable)
            {
                input.Fail(undecodable, StorableText.LoneSurrogateProblem(undecodable));
                return input;
            }
            if (readInstead?.Invoke(document.RootElement) is { } other) return other;
            input.Read(document.RootElement, requireTitle);
        }
        return input;
    }

    private void Read(JsonElement body, bool requireTitle)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name))
                Fail(property.Name, $"Unknown field '{property.Name}'. Known fields: {string.Join(", ", KnownFields)}.");
        }

        if (body.TryGetProperty("title", out var title))
        {
            if (ReadText(title, "title", TaskLimits.TitleMaxLength, nullable: false) is { } text)
            {
                if (text.Trim().Length == 0) Fail("title", "The title must not be blank.");
                else Title = text.Trim();
            }
        }
        else if (requireTitle)
        {
            Fail("title", "The title is required.");
        }

        if (body.TryGetProperty("description", out var description))
            Description = new(ReadText(description, "description", TaskLimits.DescriptionMaxLength, nullable: true));

        if (body.TryGetProperty("category", out var category))
        {
            var text = ReadText(category, "category", TaskLimits.CategoryMaxLength, nullable: true)?.Trim();
            Category = new(string.IsNullOrEmpty(text) ? null : text);
        }

        if (body.TryGetProperty("tags", out var tags) && ReadTags(tags) is { } tagList)
            Tags = tagList;

        if (body.TryGetProperty("pinned", out var pinned))
        {
            if (pinned.ValueKind is JsonValueKind.True or JsonValueKind.False) Pinned = pinned.GetBoolean();
            else Fail("pinned", "The pinned must be true or false.");
        }

        if (body.TryGetProperty("priority", out var priority) && ReadEnum<TaskPriority>(priority, "priority") is { } p)
            Priority = p;

        if (body.TryGetProperty("status", out var status) && ReadEnum<TaskItemStatus>(status, "status") is { } s)
            Status = s;

        if (body.TryGetProperty("due_date", out var dueDate))
        {
            if (dueDate.ValueKind == JsonValueKind.Null) DueDate = new((DateOnly?)null);
            else if (dueDate.ValueKind == JsonValueKind.String
                     && DateOnly.TryParseExact(dueDate.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                if (WithinYears("due_date", new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))) DueDate = new(date);
            }
            else Fail("due_date", "The due_date must be a date written yyyy-MM-dd, or null.");
        }

        if (body.TryGetProperty("due_at", out var dueAt))
        {
            if (dueAt.ValueKind == JsonValueKind.Null) DueAt = new((DateTimeOffset?)null);
            else if (dueAt.ValueKind == JsonValueKind.String && TryParseInstant(dueAt.GetString()!, out var instant))
            {
                if (WithinYears("due_at", instant)) DueAt = new(instant);
            }
            else Fail("due_at", "The due_at must be a date-time with an offset, like 2026-12-01T09:00:00+01:00 or 2026-12-01T08:00:00Z, or null.");
        }

        if (body.TryGetProperty("remind_at", out var remindAt))
        {
            if (remindAt.ValueKind == JsonValueKind.Null) RemindAt = new((DateTimeOffset?)null);
            else if (remindAt.ValueKind == JsonValueKind.String && TryParseInstant(remindAt.GetString()!, out var instant))
            {
                if (WithinYears("remind_at", instant)) RemindAt = new(instant);
            }
            else Fail("remind_at", "The remind_at must be a date-time with an offset, like 2026-12-01T08:45:00+01:00, or null.");
        }

        if (body.TryGetProperty("remind_before", out var remindBefore))
        {
            if (remindBefore.ValueKind == JsonValueKind.Null) RemindBefore = new((TimeSpan?)null);
            else if (remindBefore.ValueKind == JsonValueKind.String
                     && TryParseDuration(remindBefore.GetString()!, out var before) && before >= TimeSpan.Zero && before <= TimeSpan.FromDays(365))
                RemindBefore = new(before);
            else Fail("remind_before", "The remind_before must be an ISO-8601 duration of up to a year, like PT15M, PT2H or P1D, or null.");
        }

        if (RemindAt is { IsSet: true, Value: not null } && RemindBefore is { IsSet: true, Value: not null })
            Fail("remind_before", "Send remind_at or remind_before, not both.");

        if (body.TryGetProperty("recurrence", out var recurrence))
        {
            if (recurrence.ValueKind == JsonValueKind.Null) Recurrence = new((string?)null);
            else if (recurrence.ValueKind != JsonValueKind.String || recurrence.GetString()!.Length > 500)
                Fail("recurrence", $"The recurrence must be a string (at most 500 characters) or null. {Tasks.Recurrence.Help}");
            else if (Tasks.Recurrence.TryNormalize(recurrence.GetString()!, out var rule, out var error)) Recurrence = rule;
            else Fail("recurrence", error);
        }

        if (body.TryGetProperty("list_id", out var listId))
        {
            if (listId.ValueKind == JsonValueKind.Number && listId.TryGetInt32(out var id) && id > 0) ListId = id;
            else Fail("list_id", "The list_id must be a list's id, a positive whole number.");
        }

        if (body.TryGetProperty("assignee_id", out var assignee))
        {
            if (assignee.ValueKind == JsonValueKind.Null) AssigneeId = new((string?)null);
            else if (ReadText(assignee, "assignee_id", 450, nullable: false) is { } member)
            {
                if (member.Length > 0) AssigneeId = member;
                else Fail("assignee_id", "The assignee_id must be a member's user id, or null.");
            }
        }

        if (body.TryGetProperty("time_zone", out var timeZone))
        {
            if (timeZone.ValueKind == JsonValueKind.String && TaskTime.IsKnownTimeZone(timeZone.GetString()!))
                TimeZone = timeZone.GetString()!;
            else Fail("time_zone", TaskTime.UnknownZoneProblem);
        }
    }

    /// <summary>
    /// Checks the rules that depend on the task the input lands on (<paramref name="task"/>; null for a new task):
    /// when both due_at and due_date are sent, due_date must be due_at's date in the task's zone (it follows from
    /// due_at, so a disagreeing one is a mistake); remind_before counts back from due_at, so the task must end up
    /// with one; and a recurring task must end up due at some date, with a rule that has a next occurrence from there.
    /// </summary>
    public bool FitsTask(TaskItem? task)
    {
        var timeZone = task?.TimeZone ?? TaskTime.DefaultTimeZone;
        var currentDueAt = task?.DueAt;
        var currentDueDate = task?.DueDate;
        var currentlyRecurs = task?.Recurrence is not null;
        var zone = TimeZone.GetValueOr(timeZone);
        if (DueAt is { IsSet: true, Value: { } at } && DueDate is { IsSet: true, Value: { } day }
            && TaskTime.LocalDate(at, zone) != day)
        {
            Fail("due_date", $"The due_date must be the date of due_at in the task's time zone {zone} (or leave it out: it follows from due_at).");
        }

        var dueAt = DueAt.IsSet ? DueAt.Value : DueDate.IsSet ? null : currentDueAt;
        if (RemindBefore is { IsSet: true, Value: not null } && dueAt is null)
            Fail("remind_before", "The remind_before counts back from due_at: give the task a due_at (or use remind_at).");

        var dueDate = DueAt.IsSet || DueDate.IsSet ? (DueAt.Value is { } time ? TaskTime.LocalDate(time, zone) : DueDate.GetValueOr(null)) : currentDueDate;
        var recurs = Recurrence.IsSet ? Recurrence.Value is not null : currentlyRecurs;
        if (recurs && dueDate is null)
            Fail(Recurrence.IsSet ? "recurrence" : "due_date", "A recurring task needs a due_date or due_at: each next occurrence is due one period later.");
        else if (IsValid && Recurrence is { IsSet: true, Value: { } rule } && dueDate is { } firstDate)
        {
            // The series is computed from its start: the task's own due time, or the start of the series it is in.
            var start = task?.SeriesStart ?? TaskTime.LocalDue(dueAt, firstDate, zone)!.Value;
            if (Tasks.Recurrence.SeriesProblem(rule, start, zone, allDay: dueAt is null) is { } problem) Fail("recurrence", problem);
        }
        return IsValid;
    }

    /// <summary>ISO-8601 durations (PT15M, P1DT2H); XmlConvert reads exactly that format.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        try
        {
            duration = System.Xml.XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or OverflowException)
        {
            // Overflow: more than a TimeSpan holds (about 29,000 years), e.g. P99999999Y.
            duration = default;
            return false;
        }
    }

    /// <summary>
    /// Dates and times from 1900 to 8999: far enough for any task, and far enough from the ends of the calendar that
    /// nothing done with them overflows (a time zone's offset, a reminder counted back, a series' next occurrence).
    /// </summary>
    private bool WithinYears(string field, DateTimeOffset instant)
    {
        if (instant.UtcDateTime.Year is >= 1900 and <= 8999) return true;
        Fail(field, $"The {field} must fall within the years 1900 to 8999.");
        return false;
    }

    /// <summary>An instant needs its offset: "09:00" alone means a different moment in every zone.</summary>
    public static bool TryParseInstant(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant)
        && (text.EndsWith('Z') || text.EndsWith('z') || HasOffset(text));

    private static bool HasOffset(string text)
    {
        var timeStart = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        return timeStart > 0 && text.AsSpan(timeStart).IndexOfAny('+', '-') > 0;
    }

    private List<string>? ReadTags(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            Fail("tags", "The tags must be an array of strings.");
            return null;
        }
        var tags = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var tag = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
            if (tag is null || tag.Length is 0 or > TaskLimits.TagMaxLength)
                Fail("tags", $"Each tag must be a string of 1-{TaskLimits.TagMaxLength} characters.");
            else if (StorableText.Problem("tags", tag) is { } problem)
                Fail("tags", problem);
            else if (tags.Contains(tag.ToLowerInvariant()))
                Fail("tags", $"The tag '{tag}' is listed twice (tags are case-insensitive).");
            else tags.Add(tag.ToLowerInvariant());
        }
        if (tags.Count > TaskLimits.MaxTags) Fail("tags", $"A task can have at most {TaskLimits.MaxTags} tags.");
        return tags;
    }

    private string? ReadText(JsonElement value, string field, int maxLength, bool nullable)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null when nullable:
                return null;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length > maxLength)
                {
                    Fail(field, $"The {field} must be at most {maxLength} characters (got {text.Length}).");
                    return null;
                }
                if (StorableText.Problem(field, text) is { } problem)
                {
                    Fail(field, problem);
                    return null;
                }
                return text;
            default:
                Fail(field, nullable ? $"The {field} must be a string or null." : $"The {field} must be a string.");
                return null;
        }
    }

    private TEnum? ReadEnum<TEnum>(JsonElement value, string field) where TEnum : struct, Enum
    {
        if (value.ValueKind == JsonValueKind.String && WireEnum.TryParse<TEnum>(value.GetString(), out var parsed))
            return parsed;
        Fail(field, $"The {field} must be one of: {WireEnum.Allowed<TEnum>()}.");
        return null;
    }

    private void Fail(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages)) _errors[field] = messages = [];
        messages.Add(message);
    }
}

/// <summary>A field that may be absent from the body; <c>default</c> means absent.</summary>
public readonly record struct Optional<T>(T Value)
{
    public bool IsSet { get; } = true;

    public static implicit operator Optional<T>(T value) => new(value);

    public T GetValueOr(T fallback) => IsSet ? Value : fallback;
}
