using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// The sort keys of a task listing (<c>GET /api/tasks?sort=</c> and the agents' <c>list_tasks</c>), in one place: the
/// query's ORDER BY and keyset, its cursor, the validation message, the OpenAPI parameter and the MCP enum are all
/// made from <see cref="Keys"/>. A new sort key is one entry here, plus its index (user_id, column, id) in
/// ApiDbContext, without which a page would sort the user's tasks instead of walking an index (the fast tests ask
/// for it).
/// </summary>
public static class TaskSorts
{
    private static readonly TaskSortKey Created = TaskSortKey.By("created", t => t.CreatedAt);

    public static readonly IReadOnlyList<TaskSortKey> Keys =
    [
        // Tasks without a due date come last both ways: due_key puts them after every date, descending_due_key
        // (walked backwards) before every date.
        TaskSortKey.By("due", t => t.DueKey, descending: t => t.DescendingDueKey),
        // Stored as 0/1/2: low < medium < high.
        TaskSortKey.By("priority", t => t.Priority),
        // lower(title): case-insensitive.
        TaskSortKey.By("title", t => t.TitleKey),
        Created,
        TaskSortKey.By("updated", t => t.UpdatedAt),
    ];

    public static readonly TaskSort Default = new(Created, Descending: false);

    /// <summary>Every value <c>sort</c> takes: each key, then the same key descending.</summary>
    public static readonly IReadOnlyList<string> Values = [.. Keys.SelectMany(key => new[] { key.Name, TaskSort.DescendingPrefix + key.Name })];

    /// <summary>What the sort parameter means, for people and agents reading the API's description.</summary>
    public static readonly string Description =
        $"{string.Join(" | ", Keys.Select(key => key.Name))}; prefix {TaskSort.DescendingPrefix} for descending. Default: {Default.Name}. Ties go by task id.";

    /// <summary>The JSON Schema of a <c>sort</c> value, as a new node (a JSON node has one parent).</summary>
    public static JsonObject Schema => new()
    {
        ["type"] = "string",
        ["enum"] = new JsonArray([.. Values.Select(value => (JsonNode?)value)]),
        ["description"] = Description,
    };

    /// <summary>The answer to a sort that is none of <see cref="Values"/>.</summary>
    public static readonly string Allowed =
        $"The sort must be one of: {string.Join(", ", Keys.Select(key => key.Name))}, each optionally prefixed with {TaskSort.DescendingPrefix} for descending.";

    /// <summary>Describes the <c>sort</c> query parameter of a listing's OpenAPI operation with <see cref="Schema"/>.</summary>
    public static void DescribeParameter(OpenApiOperation operation, OpenApiDocument? document)
    {
        var parameter = (OpenApiParameter)(operation.Parameters ?? []).Single(p => p.Name == "sort");
        parameter.Description = Description;
        parameter.Schema = Schema.ToOpenApiSchema(document);
    }

    /// <summary>The sort a <c>sort</c> value names; null when it names none.</summary>
    public static TaskSort? Find(string value)
    {
        var descending = value.StartsWith(TaskSort.DescendingPrefix, StringComparison.Ordinal);
        var name = descending ? value[TaskSort.DescendingPrefix.Length..] : value;
        return Keys.FirstOrDefault(key => key.Name == name) is { } found ? new TaskSort(found, descending) : null;
    }
}

/// <summary>A sort key in one direction: what one <c>sort</c> value names.</summary>
public sealed record TaskSort(TaskSortKey Key, bool Descending)
{
    public const string DescendingPrefix = "-";

    /// <summary>The <c>sort</c> value, which its cursors carry too.</summary>
    public string Name => Descending ? DescendingPrefix + Key.Name : Key.Name;

    public IOrderedQueryable<TaskItem> InOrder(IQueryable<TaskItem> tasks) => Key.InOrder(tasks, Descending);

    /// <summary>The rows that come strictly after (<paramref name="value"/>, <paramref name="id"/>) in this order.</summary>
    public IQueryable<TaskItem> After(IQueryable<TaskItem> tasks, object value, int id) => Key.After(tasks, Descending, value, id);

    /// <summary>The value of <paramref name="row"/> that a cursor continuing after it carries.</summary>
    public JsonElement CursorValue(TaskItem row) => Key.CursorValue(row, Descending);
}

/// <summary>
/// One sort key: its wire name, the column it orders by in each direction (the same one for most keys) and, through
/// that column's type, the value its cursor carries (as JSON) and reads back. Ties go by task id, so every order is
/// total and a keyset page is the index range after (value, id).
/// </summary>
public abstract class TaskSortKey
{
    private protected TaskSortKey(string name) => Name = name;

    public string Name { get; }

    /// <summary>The column rows are ordered by, ascending or descending.</summary>
    public abstract LambdaExpression Column(bool descending);

    public abstract IOrderedQueryable<TaskItem> InOrder(IQueryable<TaskItem> tasks, bool descending);

    /// <summary>The rows strictly after (<paramref name="value"/>, <paramref name="id"/>) in the given direction.</summary>
    public abstract IQueryable<TaskItem> After(IQueryable<TaskItem> tasks, bool descending, object value, int id);

    public abstract JsonElement CursorValue(TaskItem row, bool descending);

    /// <summary>A cursor's value as this key's type; null when it is not one (a cursor made up or tampered with).</summary>
    public abstract object? ReadCursorValue(JsonElement value);

    /// <summary>A sort key on <paramref name="ascending"/>; descending, on <paramref name="descending"/> when it differs.</summary>
    public static TaskSortKey By<TValue>(string name, Expression<Func<TaskItem, TValue>> ascending, Expression<Func<TaskItem, TValue>>? descending = null) =>
        new Of<TValue>(name, ascending, descending ?? ascending);

    private sealed class Of<TValue> : TaskSortKey
    {
        private readonly Expression<Func<TaskItem, TValue>> _ascending;
        private readonly Expression<Func<TaskItem, TValue>> _descending;
        private readonly Func<TaskItem, TValue> _ascendingValue;
        private readonly Func<TaskItem, TValue> _descendingValue;

        public Of(string name, Expression<Func<TaskItem, TValue>> ascending, Expression<Func<TaskItem, TValue>> descending) : base(name)
        {
            (_ascending, _descending) = (ascending, descending);
            (_ascendingValue, _descendingValue) = (ascending.Compile(), descending.Compile());
        }

        public override LambdaExpression Column(bool descending) => descending ? _descending : _ascending;

        public override IOrderedQueryable<TaskItem> InOrder(IQueryable<TaskItem> tasks, bool descending) =>
            descending ? tasks.OrderByDescending(_descending).ThenByDescending(t => t.Id) : tasks.OrderBy(_ascending).ThenBy(t => t.Id);

        public override IQueryable<TaskItem> After(IQueryable<TaskItem> tasks, bool descending, object value, int id) =>
            descending
                ? tasks.Where(KeysetFilter.Before(_descending, (TValue)value, id))
                : tasks.Where(KeysetFilter.After(_ascending, (TValue)value, id));

        public override JsonElement CursorValue(TaskItem row, bool descending) =>
            JsonSerializer.SerializeToElement(descending ? _descendingValue(row) : _ascendingValue(row));

        public override object? ReadCursorValue(JsonElement value)
        {
            try
            {
                return value.Deserialize<TValue>();
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
