namespace TaskFlow.Benchmarks.TasksQuery;

/// <summary>
/// One kind of <c>GET /api/tasks</c>: the query string sent over HTTP, and the SQL that TaskQuery builds for it,
/// written out by hand (WHERE user_id = @user AND filters ORDER BY key, id LIMIT limit + 1) so Postgres can explain it.
/// </summary>
public sealed record QueryShape(string Name, string Query, string Where, string OrderBy, int Limit = 50, params (string Name, object Value)[] Parameters)
{
    public const string ByCreated = "t.created_at, t.id";
    public const string ByDue = "t.due_key, t.id";
    public const string ByPriorityDescending = "t.priority DESC, t.id DESC";
    public const string ByTitle = "t.title_key, t.id";
    public const string ByUpdatedDescending = "t.updated_at DESC, t.id DESC";

    /// <summary>The columns EF Core selects for a TaskItem (xmin is its version).</summary>
    private const string Columns = "t.id, t.category, t.completed_at, t.created_at, t.description, t.due_at, t.due_date, t.due_key, "
        + "t.priority, t.status, t.tags, t.time_zone, t.title, t.title_key, t.updated_at, t.user_id, t.xmin";

    public string Path => Query.Length == 0 ? "/api/tasks" : "/api/tasks?" + Query;

    private string Filter => Where.Length == 0 ? "t.user_id = @user" : $"t.user_id = @user AND {Where}";

    public string Sql => $"SELECT {Columns} FROM tasks AS t WHERE {Filter} ORDER BY {OrderBy} LIMIT {Limit + 1}";

    /// <summary>How many of the user's tasks match the filters (every page together).</summary>
    public string CountSql => $"SELECT count(*) FROM tasks AS t WHERE {Filter}";
}
