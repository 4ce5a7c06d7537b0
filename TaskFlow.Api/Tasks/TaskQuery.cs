using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Api.Tasks;

/// <summary>The query string of <c>GET /api/tasks</c>, as documented in OpenAPI (values are checked by <see cref="TaskQuery"/>).</summary>
public sealed record TaskQueryParameters(
    [property: Description("pending | in_progress | completed")][FromQuery(Name = "status")] string? Status,
    [property: Description("low | medium | high")][FromQuery(Name = "priority")] string? Priority,
    [property: Description("Exact category, case-insensitive.")][FromQuery(Name = "category")] string? Category,
    [property: Description("Repeatable; a task must carry every tag given (case-insensitive).")][FromQuery(Name = "tag")] string[]? Tag,
    [property: Description("Case-insensitive text to find in title or description.")][FromQuery(Name = "q")] string? Q,
    [property: Description("Due strictly before this date-time (with offset) or date (yyyy-MM-dd, start of day UTC).")][FromQuery(Name = "due_before")] string? Due_before,
    [property: Description("Due at or after this date-time (with offset) or date (yyyy-MM-dd, start of day UTC).")][FromQuery(Name = "due_after")] string? Due_after,
    [property: Description("true: not completed and past due; false: the rest.")][FromQuery(Name = "overdue")] string? Overdue,
    [property: Description("due | priority | title | created | updated; prefix - for descending. Default: created. Ties go by task id.")][FromQuery(Name = "sort")] string? Sort,
    [property: Description("Page size, 1-200; default 50.")][FromQuery(Name = "limit")] string? Limit,
    [property: Description("next_cursor of the previous page.")][FromQuery(Name = "cursor")] string? Cursor);

/// <summary>
/// Filters, sorts and pages a user's tasks with keyset paging: each page continues strictly after the last
/// row of the previous one (sort key, then id), so rows added meanwhile never shift a page into gaps or repeats.
/// </summary>
public sealed class TaskQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private static readonly string[] SortFields = ["due", "priority", "title", "created", "updated"];

    private readonly Dictionary<string, string[]> _errors = [];

    private TaskItemStatus? _status;
    private TaskPriority? _priority;
    private string? _category;
    private string[] _tags = [];
    private string? _text;
    private DateTimeOffset? _dueBefore;
    private DateTimeOffset? _dueAfter;
    private bool? _overdue;
    private string _sortField = "created";
    private bool _descending;
    private int _limit = DefaultLimit;
    private Cursor? _after;

    public IDictionary<string, string[]> Errors => _errors;
    public bool IsValid => _errors.Count == 0;
    public int Limit => _limit;

    public static TaskQuery Parse(TaskQueryParameters parameters)
    {
        var query = new TaskQuery();
        query.Read(parameters);
        return query;
    }

    private void Read(TaskQueryParameters p)
    {
        if (p.Status is not null)
        {
            if (WireEnum.TryParse<TaskItemStatus>(p.Status, out var status)) _status = status;
            else Fail("status", $"The status must be one of: {WireEnum.Allowed<TaskItemStatus>()}.");
        }
        if (p.Priority is not null)
        {
            if (WireEnum.TryParse<TaskPriority>(p.Priority, out var priority)) _priority = priority;
            else Fail("priority", $"The priority must be one of: {WireEnum.Allowed<TaskPriority>()}.");
        }
        if (!string.IsNullOrWhiteSpace(p.Category)) _category = p.Category.Trim().ToLowerInvariant();
        _tags = (p.Tag ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim().ToLowerInvariant()).Distinct().ToArray();
        if (!string.IsNullOrWhiteSpace(p.Q))
        {
            if (p.Q.Length > 200) Fail("q", "The search text must be at most 200 characters.");
            else _text = p.Q.Trim();
        }
        _dueBefore = ReadMoment(p.Due_before, "due_before");
        _dueAfter = ReadMoment(p.Due_after, "due_after");
        if (p.Overdue is not null)
        {
            if (bool.TryParse(p.Overdue, out var overdue)) _overdue = overdue;
            else Fail("overdue", "The overdue filter must be true or false.");
        }
        if (p.Sort is not null)
        {
            var field = p.Sort.StartsWith('-') ? p.Sort[1..] : p.Sort;
            if (SortFields.Contains(field))
            {
                _sortField = field;
                _descending = p.Sort.StartsWith('-');
            }
            else Fail("sort", $"The sort must be one of: {string.Join(", ", SortFields)}, each optionally prefixed with - for descending.");
        }
        if (p.Limit is not null)
        {
            if (int.TryParse(p.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit) _limit = limit;
            else Fail("limit", $"The limit must be a whole number from 1 to {MaxLimit}.");
        }
        if (p.Cursor is not null)
        {
            _after = Cursor.Decode(p.Cursor);
            if (_after is null || _after.Sort != SortName) Fail("cursor", "The cursor is not one this listing handed out (or it belongs to another sort).");
        }
    }

    private string SortName => (_descending ? "-" : "") + _sortField;

    private DateTimeOffset? ReadMoment(string? text, string field)
    {
        if (text is null) return null;
        if (TaskInput.TryParseInstant(text, out var instant)) return instant.ToUniversalTime();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Fail(field, $"The {field} must be a date-time with offset (2026-12-01T09:00:00+01:00) or a date (2026-12-01).");
        return null;
    }

    /// <summary>One page (plus one row, to know whether another page follows).</summary>
    public IQueryable<TaskItem> Apply(IQueryable<TaskItem> tasks, DateTimeOffset now)
    {
        if (_status is { } status) tasks = tasks.Where(t => t.Status == status);
        if (_priority is { } priority) tasks = tasks.Where(t => t.Priority == priority);
        if (_category is { } category) tasks = tasks.Where(t => t.Category != null && t.Category.ToLower() == category);
        foreach (var tag in _tags) tasks = tasks.Where(t => t.Tags.Contains(tag));
        if (_text is { } text)
        {
            // Trigram indexes on title and description serve this ILIKE (see the migration): no table scan.
            var pattern = "%" + EscapeLike(text) + "%";
            tasks = tasks.Where(t => EF.Functions.ILike(t.Title, pattern, "\\") || EF.Functions.ILike(t.Description!, pattern, "\\"));
        }
        if (_dueBefore is { } before) tasks = tasks.Where(t => t.DueKey < before);
        if (_dueAfter is { } after) tasks = tasks.Where(t => t.DueKey >= after && t.DueKey < TaskItem.NoDueKey);
        if (_overdue is true) tasks = tasks.Where(t => t.Status != TaskItemStatus.Completed && t.DueKey < now);
        if (_overdue is false) tasks = tasks.Where(t => t.Status == TaskItemStatus.Completed || t.DueKey >= now);

        return (_sortField, _descending) switch
        {
            ("due", false) => Page(tasks, t => t.DueKey, false),
            ("due", true) => Page(tasks, t => t.DueKey, true),
            ("priority", false) => Page(tasks, t => t.Priority, false),
            ("priority", true) => Page(tasks, t => t.Priority, true),
            ("title", false) => Page(tasks, t => t.TitleKey, false),
            ("title", true) => Page(tasks, t => t.TitleKey, true),
            ("updated", false) => Page(tasks, t => t.UpdatedAt, false),
            ("updated", true) => Page(tasks, t => t.UpdatedAt, true),
            ("created", true) => Page(tasks, t => t.CreatedAt, true),
            _ => Page(tasks, t => t.CreatedAt, false),
        };
    }

    private IQueryable<TaskItem> Page<TKey>(IQueryable<TaskItem> tasks, System.Linq.Expressions.Expression<Func<TaskItem, TKey>> key, bool descending)
    {
        if (_after is not null)
        {
            var afterKey = _after.KeyAs<TKey>();
            var afterId = _after.Id;
            tasks = descending
                ? tasks.Where(KeysetFilter.Before(key, afterKey, afterId))
                : tasks.Where(KeysetFilter.After(key, afterKey, afterId));
        }
        var ordered = descending
            ? tasks.OrderByDescending(key).ThenByDescending(t => t.Id)
            : tasks.OrderBy(key).ThenBy(t => t.Id);
        return ordered.Take(_limit + 1);
    }

    /// <summary>The cursor that continues after <paramref name="last"/>.</summary>
    public string NextCursor(TaskItem last)
    {
        object key = _sortField switch
        {
            "due" => last.DueKey,
            "priority" => last.Priority,
            "title" => last.TitleKey,
            "updated" => last.UpdatedAt,
            _ => last.CreatedAt,
        };
        return new Cursor(SortName, JsonSerializer.SerializeToElement(key), last.Id).Encode();
    }

    private void Fail(string field, string message) => _errors[field] = [message];

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Opaque to clients: base64url of the sort, the last row's sort key and its id.</summary>
    private sealed record Cursor(string Sort, JsonElement Key, int Id)
    {
        public string Encode() => WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(this));

        public TKey KeyAs<TKey>() => Key.Deserialize<TKey>()!;

        public static Cursor? Decode(string text)
        {
            try
            {
                var cursor = JsonSerializer.Deserialize<Cursor>(WebEncoders.Base64UrlDecode(text));
                return cursor is { Sort: not null, Key.ValueKind: not JsonValueKind.Undefined } ? cursor : null;
            }
            catch (Exception exception) when (exception is FormatException or JsonException or ArgumentException)
            {
                return null;
            }
        }
    }
}
