using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace TaskFlow.Benchmarks.TasksQuery;

/// <summary>
/// What <c>EXPLAIN (ANALYZE, BUFFERS)</c> says about one of a shape's statements: its node tree in one line, its
/// times, the rows it returned, and the full text plan.
/// </summary>
public sealed record QueryPlan(string Step, string Sql, string Nodes, double PlanningMs, double ExecutionMs, long Rows, long BuffersHit, long BuffersRead,
    bool SeqScanOnTasks, IReadOnlyList<string> Text)
{
    /// <summary>The plans of the statements TaskQuery runs for the shape: the window's matches step only when it would run.</summary>
    public static async Task<List<QueryPlan>> ExplainAsync(NpgsqlDataSource db, QueryShape shape, int listId)
    {
        var plans = new List<QueryPlan>();
        foreach (var (step, sql) in shape.Steps)
        {
            plans.Add(await ExplainAsync(db, step, sql, shape, listId));
            if (plans[^1].Rows > shape.Limit) break;
        }
        return plans;
    }

    private static async Task<QueryPlan> ExplainAsync(NpgsqlDataSource db, string step, string sql, QueryShape shape, int listId)
    {
        // Once untimed, as the HTTP samples ran warm too.
        await RunAsync(db, sql, shape, listId);
        var json = JsonNode.Parse((string)(await RunAsync(db, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, shape, listId))[0])!.AsArray()[0]!;
        var text = (await RunAsync(db, "EXPLAIN (ANALYZE, BUFFERS) " + sql, shape, listId)).Cast<string>().ToList();
        var root = json["Plan"]!;
        return new QueryPlan(
            step,
            sql,
            Render(root),
            json["Planning Time"]!.GetValue<double>(),
            json["Execution Time"]!.GetValue<double>(),
            root["Actual Rows"]!.GetValue<long>(),
            root["Shared Hit Blocks"]!.GetValue<long>(),
            root["Shared Read Blocks"]!.GetValue<long>(),
            Flatten(root).Any(node => (string?)node["Node Type"] == "Seq Scan" && (string?)node["Relation Name"] == "tasks"),
            text);
    }

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{Step}: {ExecutionMs:F2} ms exec, {PlanningMs:F2} ms planning, {Rows} rows, buffers hit={BuffersHit} read={BuffersRead}: {Nodes}");

    /// <summary>"Limit → Index Scan using ix on tasks", siblings in brackets.</summary>
    private static string Render(JsonNode node)
    {
        var label = (string)node["Node Type"]!;
        if ((string?)node["Index Name"] is { } index) label += $" using {index}";
        if ((string?)node["Relation Name"] is { } relation) label += $" on {relation}";
        var children = node["Plans"]?.AsArray().Select(child => Render(child!)).ToList() ?? [];
        return children.Count switch
        {
            0 => label,
            1 => $"{label} → {children[0]}",
            _ => $"{label} → [{string.Join(" | ", children)}]",
        };
    }

    private static IEnumerable<JsonNode> Flatten(JsonNode node) =>
        new[] { node }.Concat(node["Plans"]?.AsArray().SelectMany(child => Flatten(child!)) ?? []);

    private static async Task<List<object>> RunAsync(NpgsqlDataSource db, string sql, QueryShape shape, int listId)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("user", listId);
        foreach (var (name, value) in shape.Parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var firstColumn = new List<object>();
        while (await reader.ReadAsync()) firstColumn.Add(reader.GetValue(0));
        return firstColumn;
    }
}
