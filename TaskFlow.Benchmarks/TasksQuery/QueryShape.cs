namespace TaskFlow.Benchmarks.TasksQuery;

/// <summary>
/// One kind of <c>GET /api/tasks</c>: the query string sent over HTTP, and the SQL that TaskQuery builds for it,
/// written out by hand so Postgres can explain it: one walk in sort order or, for a tag, text or category filter, first
/// the window (the next rows in sort order, filtered), then, only when that holds no full page, every match sorted.
/// </summary>
public sealed record QueryShape(string Name, string Query, string Where, string OrderBy, int Limit = 50, params (string Name, object Value)[] Parameters)
{
    public const string ByCreated = "t.created_at, t.id";
    public const string ByDue = "t.due_key, t.id";
    /// <summary>Tasks without a due date last here too: descending_due_key holds -infinity for them.</summary>
    public const string ByDueDescending = "t.descending_due_key DESC, t.id DESC";
    public const string ByPriorityDescending = "t.priority DESC, t.id DESC";
    public const string ByTitle = "t.title_key, t.id";
    public const string ByUpdatedDescending = "t.updated_at DESC, t.id DESC";

    /// <summary>The columns EF Core selects for a TaskItem (xmin is its version).</summary>
    private const string Columns = "t.id, t.category, t.category_key, t.completed_at, t.created_at, t.description, t.due_at, t.due_date, "
        + "t.descending_due_key, t.due_key, t.occurrence, t.priority, t.recurrence, t.remind_at, t.remind_before, t.series_id, t.series_start, t.status, t.tags, "
        + "t.time_zone, t.title, t.title_key, t.updated_at, t.user_id, t.list_id, t.assignee_id, t.xmin";

    /// <summary>The row comparison a cursor adds: where the page starts, not a filter.</summary>
    public string Keyset { get; init; } = "";

    public string Path => Query.Length == 0 ? "/api/tasks" : "/api/tasks?" + Query;

    /// <summary>TaskQuery's WindowSize.</summary>
    private int Window => Math.Max(1000, 20 * (Limit + 1));

    /// <summary>The user's tasks: those of their one list, their Inbox (TaskService.ListAsync, ListAccess.TasksIn).</summary>
    private string Rest => Keyset.Length == 0 ? "t.list_id = @list" : $"t.list_id = @list AND {Keyset}";

    private string Filter => Where.Length == 0 ? Rest : $"{Rest} AND {Where}";

    /// <summary>TaskQuery's HasIndexedFilter: a tag, text or category filter.</summary>
    private bool HasIndexedFilter => Where.Contains("t.tags", StringComparison.Ordinal) || Where.Contains("ILIKE", StringComparison.Ordinal)
        || Where.Contains("t.category_key", StringComparison.Ordinal);

    /// <summary>The statements TaskQuery runs, in order; the second only when the first returns no more than Limit rows.</summary>
    public IReadOnlyList<(string Step, string Sql)> Steps => !HasIndexedFilter
        ? [("walk", $"SELECT {Columns} FROM tasks AS t WHERE {Filter} ORDER BY {OrderBy} LIMIT {Limit + 1}")]
        :
        [
            ("window", $"SELECT {Columns} FROM (SELECT t.*, t.xmin FROM tasks AS t WHERE {Rest} ORDER BY {OrderBy} LIMIT {Window}) AS t "
                + $"WHERE {Where} ORDER BY {OrderBy} LIMIT {Limit + 1}"),
            ("matches", $"SELECT {Columns} FROM (SELECT t.*, t.xmin FROM tasks AS t WHERE {Filter} OFFSET 0) AS t ORDER BY {OrderBy} LIMIT {Limit + 1}"),
        ];

    /// <summary>How many of the user's tasks match the filters (every page together).</summary>
    public string CountSql => $"SELECT count(*) FROM tasks AS t WHERE {Filter}";
}
