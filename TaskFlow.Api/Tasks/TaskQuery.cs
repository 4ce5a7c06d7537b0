using System.ComponentModel;
using System.Globalization;
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
    [property: Description("Only the tasks of this list (one you are a member of); default: every list you are in.")][FromQuery(Name = "list_id")] string? List_id,
    [property: Description("me: assigned to you; none: assigned to nobody; or a member's user id.")][FromQuery(Name = "assignee")] string? Assignee,
    // Described from TaskSorts by ListTasks' OpenAPI transformer.
    [FromQuery(Name = "sort")] string? Sort,
    [property: Description("Page size, 1-200; default 50.")][FromQuery(Name = "limit")] string? Limit,
    [property: Description("next_cursor of the previous page.")][FromQuery(Name = "cursor")] string? Cursor);

/// <summary>
/// Filters, sorts and pages the tasks of a user's lists with keyset paging: each page continues strictly after the last
/// row of the previous one (sort key, then id), so rows added meanwhile never shift a page into gaps or repeats.
/// </summary>
public sealed class TaskQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private readonly Dictionary<string, string[]> _errors = [];

    private TaskItemStatus? _status;
    private TaskPriority? _priority;
    private string? _category;
    private string[] _tags = [];
    private string? _text;
    private DateTimeOffset? _dueBefore;
    private DateTimeOffset? _dueAfter;
    private bool? _overdue;
    private int? _listId;
    private string? _assignee;
    private TaskSort _sort = TaskSorts.Default;
    private int _limit = DefaultLimit;
    /// <summary>The previous page's last row: its sort value (of the sort key's type) and id.</summary>
    private (object Value, int Id)? _after;

    public IDictionary<string, string[]> Errors => _errors;
    public bool IsValid => _errors.Count == 0;
    public int Limit => _limit;

    /// <summary>The one list asked for (its membership is the caller's to check), or null for every list of the user.</summary>
    public int? ListId => _listId;

    /// <summary>The assignee filter: <see cref="AssignedToMe"/>, <see cref="AssignedToNobody"/>, a user id, or null for any.</summary>
    public const string AssignedToMe = "me";
    public const string AssignedToNobody = "none";

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
        // Postgres cannot even compare text it could not store.
        foreach (var (field, text) in new[] { ("category", _category), ("q", _text) }.Concat(_tags.Select(tag => ("tag", (string?)tag))))
        {
            if (text is not null && StorableText.Problem(field, text) is { } problem) Fail(field, problem);
        }
        _dueBefore = ReadMoment(p.Due_before, "due_before");
        _dueAfter = ReadMoment(p.Due_after, "due_after");
        if (p.Overdue is not null)
        {
            if (bool.TryParse(p.Overdue, out var overdue)) _overdue = overdue;
            else Fail("overdue", "The overdue filter must be true or false.");
        }
        if (p.List_id is not null)
        {
            if (int.TryParse(p.List_id, NumberStyles.None, CultureInfo.InvariantCulture, out var listId) && listId > 0) _listId = listId;
            else Fail("list_id", "The list_id must be a list's id, a positive whole number.");
        }
        if (p.Assignee is not null)
        {
            if (p.Assignee.Length is > 0 and <= 450 && StorableText.Problem("assignee", p.Assignee) is null) _assignee = p.Assignee;
            else Fail("assignee", "The assignee must be me, none, or a member's user id.");
        }
        if (p.Sort is not null)
        {
            if (TaskSorts.Find(p.Sort) is { } sort) _sort = sort;
            else Fail("sort", TaskSorts.Allowed);
        }
        if (p.Limit is not null)
        {
            if (int.TryParse(p.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit) _limit = limit;
            else Fail("limit", $"The limit must be a whole number from 1 to {MaxLimit}.");
        }
        if (p.Cursor is not null)
        {
            if (Cursor.Decode(p.Cursor) is { } cursor && cursor.Sort == _sort.Name && _sort.Key.ReadCursorValue(cursor.Key) is { } value)
                _after = (value, cursor.Id);
            else Fail("cursor", "The cursor is not one this listing handed out (or it belongs to another sort).");
        }
    }

    private DateTimeOffset? ReadMoment(string? text, string field)
    {
        if (text is null) return null;
        if (TaskInput.TryParseInstant(text, out var instant)) return instant.ToUniversalTime();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Fail(field, $"The {field} must be a date-time with offset (2026-12-01T09:00:00+01:00) or a date (2026-12-01).");
        return null;
    }

    /// <summary>
    /// One page of <paramref name="tasks"/> (the user's), plus one row to know whether another page follows.
    /// </summary>
    /// <remarks>
    /// Postgres estimates a filter's selectivity over the whole table, not per user. A word or tag common among other
    /// users but absent from this one's tasks looks cheap to find by walking the user's tasks in sort order, and that
    /// walk then reads all of them. So a page filtered by tag, text or category is read in up to two steps, each exact
    /// when it answers: first only the next <see cref="WindowSize"/> rows in sort order (filters dense enough fill the
    /// page there); failing that, every match, found through the per-list filter indexes, then sorted. Other filters
    /// have no index of their own to find rare matches by, so for them the walk is still the best plan.
    /// </remarks>
    public async Task<List<TaskItem>> ReadPageAsync(IQueryable<TaskItem> tasks, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        tasks = _assignee switch
        {
            null => tasks,
            AssignedToMe => tasks.Where(t => t.AssigneeId == userId),
            AssignedToNobody => tasks.Where(t => t.AssigneeId == null),
            var member => tasks.Where(t => t.AssigneeId == member),
        };
        var rest = _after is var (value, id) ? _sort.After(tasks, value, id) : tasks;
        if (!HasIndexedFilter) return await _sort.InOrder(Filter(rest, now)).Take(_limit + 1).ToListAsync(cancellationToken);

        // The window is an index range scan on (list_id, key, id) whatever the filters are. If it holds a full page
        // of matches, those are the first matches overall: every row after the window sorts after them.
        var window = Filter(_sort.InOrder(rest).Take(WindowSize), now);
        var page = await _sort.InOrder(window).Take(_limit + 1).ToListAsync(cancellationToken);
        if (page.Count > _limit) return page;

        // Sparse matches: Skip(0) becomes OFFSET 0 in a subquery, which Postgres plans on its own, without the outer
        // ORDER BY and LIMIT, so it finds the matches by the filter indexes instead of walking the sort index.
        var matches = Filter(rest, now).Skip(0);
        return await _sort.InOrder(matches).Take(_limit + 1).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// How many rows in sort order the first step filters: enough for a filter matching one task in twenty to fill a
    /// default page, and few enough that a miss costs a couple of milliseconds.
    /// </summary>
    private int WindowSize => Math.Max(1000, 20 * (_limit + 1));

    /// <summary>Filters that a per-list index answers by itself (see ApiDbContext): its matches can be found without the walk.</summary>
    private bool HasIndexedFilter => _category is not null || _tags.Length > 0 || _text is not null;

    private IQueryable<TaskItem> Filter(IQueryable<TaskItem> tasks, DateTimeOffset now)
    {
        if (_status is { } status) tasks = tasks.Where(t => t.Status == status);
        if (_priority is { } priority) tasks = tasks.Where(t => t.Priority == priority);
        if (_category is { } category) tasks = tasks.Where(t => t.CategoryKey == category);
        if (_tags.Length > 0)
        {
            // Translated to tags @> @tags, which the GIN index answers (tags.Contains(tag) alone becomes = ANY, which it does not).
            var tags = _tags;
            tasks = tasks.Where(t => tags.All(tag => t.Tags.Contains(tag)));
        }
        if (_text is { } text)
        {
            var pattern = "%" + EscapeLike(text) + "%";
            tasks = tasks.Where(t => EF.Functions.ILike(t.Title, pattern, "\\") || EF.Functions.ILike(t.Description!, pattern, "\\"));
        }
        if (_dueBefore is { } before) tasks = tasks.Where(t => t.DueKey < before);
        if (_dueAfter is { } after) tasks = tasks.Where(t => t.DueKey >= after && t.DueKey < TaskItem.NoDueKey);
        if (_overdue is true) tasks = tasks.Where(t => t.Status != TaskItemStatus.Completed && t.DueKey < now);
        if (_overdue is false) tasks = tasks.Where(t => t.Status == TaskItemStatus.Completed || t.DueKey >= now);
        return tasks;
    }

    /// <summary>The cursor that continues after <paramref name="last"/>.</summary>
    public string NextCursor(TaskItem last) => new Cursor(_sort.Name, _sort.CursorValue(last), last.Id).Encode();

    private void Fail(string field, string message) => _errors[field] = [message];

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Opaque to clients: base64url of the sort, the last row's sort value (<see cref="TaskSortKey"/>) and its id.</summary>
    private sealed record Cursor(string Sort, JsonElement Key, int Id)
    {
        public string Encode() => WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(this));

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
