using System.ComponentModel;
using System.Globalization;
using System.Linq.Expressions;
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
            if (_after is null || _after.Sort != SortName || !_after.HasKeyOf(SortKeyType))
                Fail("cursor", "The cursor is not one this listing handed out (or it belongs to another sort).");
        }
    }

    private string SortName => (_descending ? "-" : "") + _sortField;

    /// <summary>The type of the sort key a cursor carries (see <see cref="NextCursor"/>).</summary>
    private Type SortKeyType => _sortField switch
    {
        "priority" => typeof(TaskPriority),
        "title" => typeof(string),
        _ => typeof(DateTimeOffset),
    };

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
    /// page there); failing that, every match, found through the per-user filter indexes, then sorted. Other filters
    /// have no index of their own to find rare matches by, so for them the walk is still the best plan.
    /// </remarks>
    public Task<List<TaskItem>> ReadPageAsync(IQueryable<TaskItem> tasks, DateTimeOffset now, CancellationToken cancellationToken) =>
        (_sortField, _descending) switch
        {
            ("due", false) => ReadPageAsync(tasks, t => t.DueKey, false, now, cancellationToken),
            ("due", true) => ReadPageAsync(tasks, t => t.DescendingDueKey, true, now, cancellationToken),
            ("priority", false) => ReadPageAsync(tasks, t => t.Priority, false, now, cancellationToken),
            ("priority", true) => ReadPageAsync(tasks, t => t.Priority, true, now, cancellationToken),
            ("title", false) => ReadPageAsync(tasks, t => t.TitleKey, false, now, cancellationToken),
            ("title", true) => ReadPageAsync(tasks, t => t.TitleKey, true, now, cancellationToken),
            ("updated", false) => ReadPageAsync(tasks, t => t.UpdatedAt, false, now, cancellationToken),
            ("updated", true) => ReadPageAsync(tasks, t => t.UpdatedAt, true, now, cancellationToken),
            ("created", true) => ReadPageAsync(tasks, t => t.CreatedAt, true, now, cancellationToken),
            _ => ReadPageAsync(tasks, t => t.CreatedAt, false, now, cancellationToken),
        };

    /// <summary>
    /// How many rows in sort order the first step filters: enough for a filter matching one task in twenty to fill a
    /// default page, and few enough that a miss costs a couple of milliseconds.
    /// </summary>
    private int WindowSize => Math.Max(1000, 20 * (_limit + 1));

    /// <summary>Filters that a per-user index answers by itself (see ApiDbContext): its matches can be found without the walk.</summary>
    private bool HasIndexedFilter => _category is not null || _tags.Length > 0 || _text is not null;

    private async Task<List<TaskItem>> ReadPageAsync<TKey>(
        IQueryable<TaskItem> tasks, Expression<Func<TaskItem, TKey>> key, bool descending, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rest = AfterCursor(tasks, key, descending);
        if (!HasIndexedFilter) return await InOrder(Filter(rest, now), key, descending).Take(_limit + 1).ToListAsync(cancellationToken);

        // The window is an index range scan on (user_id, key, id) whatever the filters are. If it holds a full page
        // of matches, those are the first matches overall: every row after the window sorts after them.
        var window = Filter(InOrder(rest, key, descending).Take(WindowSize), now);
        var page = await InOrder(window, key, descending).Take(_limit + 1).ToListAsync(cancellationToken);
        if (page.Count > _limit) return page;

        // Sparse matches: Skip(0) becomes OFFSET 0 in a subquery, which Postgres plans on its own, without the outer
        // ORDER BY and LIMIT, so it finds the matches by the filter indexes instead of walking the sort index.
        var matches = Filter(rest, now).Skip(0);
        return await InOrder(matches, key, descending).Take(_limit + 1).ToListAsync(cancellationToken);
    }

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

    private IQueryable<TaskItem> AfterCursor<TKey>(IQueryable<TaskItem> tasks, Expression<Func<TaskItem, TKey>> key, bool descending)
    {
        if (_after is null) return tasks;
        var afterKey = _after.KeyAs<TKey>();
        var afterId = _after.Id;
        return descending
            ? tasks.Where(KeysetFilter.Before(key, afterKey, afterId))
            : tasks.Where(KeysetFilter.After(key, afterKey, afterId));
    }

    private static IQueryable<TaskItem> InOrder<TKey>(IQueryable<TaskItem> tasks, Expression<Func<TaskItem, TKey>> key, bool descending) =>
        descending ? tasks.OrderByDescending(key).ThenByDescending(t => t.Id) : tasks.OrderBy(key).ThenBy(t => t.Id);

    /// <summary>The cursor that continues after <paramref name="last"/>.</summary>
    public string NextCursor(TaskItem last)
    {
        object key = _sortField switch
        {
            "due" => _descending ? last.DescendingDueKey : last.DueKey,
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

        /// <summary>False for a key that is not a <paramref name="type"/> (a cursor made up or tampered with).</summary>
        public bool HasKeyOf(Type type)
        {
            try
            {
                return Key.Deserialize(type) is not null;
            }
            catch (JsonException)
            {
                return false;
            }
        }

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
