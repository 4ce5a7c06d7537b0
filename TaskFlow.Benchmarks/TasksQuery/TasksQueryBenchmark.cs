using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Npgsql;

namespace TaskFlow.Benchmarks.TasksQuery;

/// <summary>
/// <c>tasks-query</c>: how fast <c>GET /api/tasks</c> answers a user with many tasks (issue 3: well under 100 ms),
/// per query shape, over HTTP on the real AppHost; then how Postgres runs the same SQL.
/// </summary>
public static class TasksQueryBenchmark
{
    private const int WarmupRounds = 10;
    private const int PageSize = 50;
    private const int DeepPage = 20;
    private const double SlowP95Ms = 50;
    private const double BusyPlanMs = 10;
    /// <summary>The Api's per-user limit (300 per 10 s) would throttle sequential samples; the benchmark lifts it by configuration only.</summary>
    private const string PermitsPerWindow = "1000000";
    private static readonly string[] OtherUserZones = ["America/New_York", "Asia/Tokyo", "UTC", "Europe/London"];
    private static readonly string[] RepresentativePlans = ["default (sort=created)", "q=passport", "tag=urgent&tag=phone",
        $"q={SampleTasks.HobbyWord} (others' word)", $"page {DeepPage} (cursor)"];

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var taskCount = options.Int("tasks", 50_000, 1_000, 2_000_000);
        var otherTasks = options.Int("other-tasks", 20_000, 0, 2_000_000);
        var samples = options.Int("samples", 100, 5, 10_000);
        options.RejectUnknown();

        Console.WriteLine($"tasks-query: GET /api/tasks for one user with {taskCount:N0} tasks ({otherTasks:N0} more tasks of {OtherUserZones.Length} other users in the table)");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"Api rate limit lifted for the run: RateLimiting__PermitsPerWindow={PermitsPerWindow} (configuration only, Api code unchanged)");

        await using var bench = await BenchmarkApp.StartAsync(new Dictionary<string, string> { ["RateLimiting__PermitsPerWindow"] = PermitsPerWindow });
        await using var tasksDb = NpgsqlDataSource.Create(await bench.ConnectionStringAsync("tasksdb"));
        Console.WriteLine($"postgres: {await ScalarAsync(tasksDb, "SHOW server_version", [])}");

        var (http, email) = await bench.SignUpAsync("bench");
        var userId = await UserIdAsync(tasksDb, email);
        var owners = new List<TaskSeeder.Owner> { new(userId, taskCount, "Europe/Berlin", HasHobby: false) };
        foreach (var (zone, index) in OtherUserZones.Select((zone, index) => (zone, index)))
        {
            var (_, otherEmail) = await bench.SignUpAsync("other");
            owners.Add(new(await UserIdAsync(tasksDb, otherEmail), otherTasks / OtherUserZones.Length + (index < otherTasks % OtherUserZones.Length ? 1 : 0), zone, HasHobby: true));
        }
        Console.WriteLine($"Registered {owners.Count} users through the API (POST /api/auth/register, /api/auth/login); the benchmark user is {email}.");

        var now = DateTime.UtcNow;
        Console.WriteLine("Seeding with binary COPY straight into tasks: this bypasses the API and the outbox (no events, no audit), as a read benchmark may.");
        var inboxes = await new TaskSeeder(tasksDb, new SampleTasks(now)).SeedAsync(owners);
        var listId = inboxes[userId];
        Console.WriteLine($"tasks table: {await ScalarAsync(tasksDb, "SELECT count(*) FROM tasks", []):N0} rows, "
            + $"{await ScalarAsync(tasksDb, "SELECT pg_size_pretty(pg_total_relation_size('tasks'))", [])} with indexes");

        var client = new ApiClient(http);
        var shapes = await ShapesAsync(client, tasksDb, listId, DateTime.UtcNow);

        Console.WriteLine($"Warming up: {WarmupRounds} rounds over {shapes.Count} shapes ...");
        for (var round = 0; round < WarmupRounds; round++)
            foreach (var shape in shapes) await client.GetAsync(shape.Path);

        Console.WriteLine($"Load average before measuring: {LoadAverage()} (other work on this machine shows here and in the tails).");
        Console.WriteLine($"Measuring: {samples} rounds, each shape once per round, one request at a time (wall time of GET incl. reading the body) ...");
        var latencies = shapes.ToDictionary(s => s.Name, _ => new Latency());
        var rows = new Dictionary<string, int>();
        for (var round = 0; round < samples; round++)
        {
            foreach (var shape in shapes)
            {
                var (elapsed, items) = await client.GetAsync(shape.Path);
                latencies[shape.Name].Add(elapsed);
                rows[shape.Name] = items;
            }
        }
        Console.WriteLine($"{client.Requests:N0} requests, {client.TooManyRequests} answered 429. Load average after: {LoadAverage()}.");

        var matches = new Dictionary<string, long>();
        foreach (var shape in shapes) matches[shape.Name] = (long)(await ScalarAsync(tasksDb, shape.CountSql, Parameters(shape, listId)))!;
        PrintLatencies(shapes, latencies, rows, matches);

        var plans = new Dictionary<string, List<QueryPlan>>();
        foreach (var shape in shapes) plans[shape.Name] = await QueryPlan.ExplainAsync(tasksDb, shape, listId);
        PrintPlans(shapes, plans);
        PrintVerdict(shapes, latencies, plans);
    }

    /// <summary>The shapes measured; the deep page's cursor comes from following next_cursor through the API.</summary>
    private static async Task<List<QueryShape>> ShapesAsync(ApiClient client, NpgsqlDataSource db, int listId, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        var weekStart = today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var (deepCursor, afterCreated, afterId) = await DeepCursorAsync(client, db, listId);
        var (tag1, tag2, rareTag) = (SampleTasks.Tags[0], SampleTasks.Tags[1], SampleTasks.Tags[^1]);
        const string Search = "(t.title ILIKE @pattern ESCAPE '\\' OR t.description ILIKE @pattern ESCAPE '\\')";
        return
        [
            new("default (sort=created)", "", "", QueryShape.ByCreated),
            new("sort=due", "sort=due", "", QueryShape.ByDue),
            new("sort=-due", "sort=-due", "", QueryShape.ByDueDescending),
            new("sort=-priority", "sort=-priority", "", QueryShape.ByPriorityDescending),
            new("sort=title", "sort=title", "", QueryShape.ByTitle),
            new($"q={SampleTasks.SearchHit}", $"q={SampleTasks.SearchHit}", Search, QueryShape.ByCreated, PageSize, ("pattern", $"%{SampleTasks.SearchHit}%")),
            new($"q={SampleTasks.SearchRareHit} (rare)", $"q={SampleTasks.SearchRareHit}", Search, QueryShape.ByCreated, PageSize, ("pattern", $"%{SampleTasks.SearchRareHit}%")),
            new($"q={SampleTasks.SearchMiss} (no hits)", $"q={SampleTasks.SearchMiss}", Search, QueryShape.ByCreated, PageSize, ("pattern", $"%{SampleTasks.SearchMiss}%")),
            new($"tag={tag1}", $"tag={tag1}", "t.tags @> ARRAY[@tag1]::text[]", QueryShape.ByCreated, PageSize, ("tag1", tag1)),
            new($"tag={tag1}&tag={tag2}", $"tag={tag1}&tag={tag2}", "t.tags @> ARRAY[@tag1]::text[] AND t.tags @> ARRAY[@tag2]::text[]",
                QueryShape.ByCreated, PageSize, ("tag1", tag1), ("tag2", tag2)),
            new($"tag={rareTag} (rarest)", $"tag={rareTag}", "t.tags @> ARRAY[@tag1]::text[]", QueryShape.ByCreated, PageSize, ("tag1", rareTag)),
            new($"tag={SampleTasks.HobbyTag} (others' tag)", $"tag={SampleTasks.HobbyTag}", "t.tags @> ARRAY[@tag1]::text[]", QueryShape.ByCreated, PageSize,
                ("tag1", SampleTasks.HobbyTag)),
            new($"q={SampleTasks.HobbyWord} (others' word)", $"q={SampleTasks.HobbyWord}", Search, QueryShape.ByCreated, PageSize, ("pattern", $"%{SampleTasks.HobbyWord}%")),
            new($"category={SampleTasks.HobbyCategory} (others')", $"category={SampleTasks.HobbyCategory}",
                "t.category_key = @category", QueryShape.ByCreated, PageSize, ("category", SampleTasks.HobbyCategory)),
            new("status=pending&priority=high", "status=pending&priority=high", "t.status = @status AND t.priority = @priority",
                QueryShape.ByCreated, PageSize, ("status", "pending"), ("priority", (short)2)),
            new("overdue=true", "overdue=true", "t.status <> 'completed' AND t.due_key < @now", QueryShape.ByCreated, PageSize, ("now", now)),
            new("due this week, sort=due", $"due_after={today:yyyy-MM-dd}&due_before={today.AddDays(7):yyyy-MM-dd}&sort=due",
                "t.due_key < @before AND t.due_key >= @after AND t.due_key < @noDue", QueryShape.ByDue, PageSize,
                ("before", weekStart.AddDays(7)), ("after", weekStart), ("noDue", SampleTasks.NoDueKey)),
            new($"category={SampleTasks.Category}&sort=-updated", $"category={SampleTasks.Category}&sort=-updated",
                "t.category_key = @category", QueryShape.ByUpdatedDescending, PageSize, ("category", SampleTasks.Category)),
            new($"page {DeepPage} (cursor)", $"cursor={deepCursor}", "", QueryShape.ByCreated, PageSize, ("afterKey", afterCreated), ("afterId", afterId))
            {
                Keyset = "(t.created_at, t.id) > (@afterKey, @afterId)",
            },
            new("limit=200", "limit=200", "", QueryShape.ByCreated, 200),
        ];
    }

    /// <summary>Follows next_cursor from the first page to the cursor of page <see cref="DeepPage"/>, and reads where that page starts.</summary>
    private static async Task<(string Cursor, DateTime AfterCreated, int AfterId)> DeepCursorAsync(ApiClient client, NpgsqlDataSource db, int listId)
    {
        string? cursor = null;
        JsonObject page = [];
        for (var number = 1; number < DeepPage; number++)
        {
            page = await client.GetJsonAsync(cursor is null ? "/api/tasks" : $"/api/tasks?cursor={Uri.EscapeDataString(cursor)}");
            cursor = (string?)page["next_cursor"] ?? throw new InvalidOperationException($"page {number} has no next_cursor");
        }
        await using var command = db.CreateCommand("SELECT created_at, id FROM tasks WHERE list_id = @list ORDER BY created_at, id OFFSET @skip LIMIT 1");
        command.Parameters.AddWithValue("list", listId);
        command.Parameters.AddWithValue("skip", (DeepPage - 1) * PageSize - 1);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (afterCreated, afterId) = (reader.GetDateTime(0), reader.GetInt32(1));
        var lastId = (int)page["items"]!.AsArray()[^1]!["task_id"]!;
        if (lastId != afterId) throw new InvalidOperationException($"page {DeepPage - 1} ends with task {lastId}, the database says {afterId}");
        return (Uri.EscapeDataString(cursor!), afterCreated, afterId);
    }

    private static void PrintLatencies(List<QueryShape> shapes, Dictionary<string, Latency> latencies, Dictionary<string, int> rows, Dictionary<string, long> matches)
    {
        Console.WriteLine();
        Console.WriteLine("GET /api/tasks latency (ms), client-side over HTTP through the AppHost's endpoint:");
        Console.WriteLine($"{"shape",-36} {"samples",7} {"p50",7} {"p95",7} {"max",7} {"rows",5} {"matching",9}");
        foreach (var shape in shapes)
        {
            var latency = latencies[shape.Name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shape.Name,-36} {latency.Count,7} {latency.Percentile(50),7:F1} {latency.Percentile(95),7:F1} {latency.Max,7:F1} {rows[shape.Name],5} {matches[shape.Name],9:N0}"));
        }
        Console.WriteLine("rows = items on the page; matching = the user's tasks that pass the filters (all pages).");
        foreach (var shape in shapes.Where(s => s.Query.Length > 0 && !s.Name.StartsWith(s.Query, StringComparison.Ordinal)))
            Console.WriteLine($"  {shape.Name}: GET {shape.Path}");
    }

    private static void PrintPlans(List<QueryShape> shapes, Dictionary<string, List<QueryPlan>> plans)
    {
        Console.WriteLine();
        Console.WriteLine("Postgres plans of the same SQL (hand-written to mirror TaskQuery), EXPLAIN (ANALYZE, BUFFERS), run warm;");
        Console.WriteLine("a filtered shape runs its window, then its matches only when the window held no full page:");
        foreach (var shape in shapes)
        {
            Console.WriteLine($"  {shape.Name}:");
            foreach (var plan in plans[shape.Name]) Console.WriteLine($"    {plan.Summary}");
        }
        // In full: the representative ones, and any that scans the table or keeps Postgres busy for long.
        foreach (var shape in shapes.Where(s => RepresentativePlans.Contains(s.Name) || plans[s.Name].Any(p => p.SeqScanOnTasks || p.ExecutionMs > BusyPlanMs)))
        {
            foreach (var plan in plans[shape.Name])
            {
                Console.WriteLine();
                Console.WriteLine($"-- {shape.Name}, {plan.Step}");
                Console.WriteLine(plan.Sql);
                foreach (var line in plan.Text) Console.WriteLine("   " + line);
            }
        }
    }

    private static void PrintVerdict(List<QueryShape> shapes, Dictionary<string, Latency> latencies, Dictionary<string, List<QueryPlan>> plans)
    {
        Console.WriteLine();
        var slowest = shapes.MaxBy(s => latencies[s.Name].Percentile(95))!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Slowest p95: {latencies[slowest.Name].Percentile(95):F1} ms ({slowest.Name})."));
        var slow = shapes.Where(s => latencies[s.Name].Percentile(95) > SlowP95Ms).Select(s => s.Name).ToList();
        Console.WriteLine($"Shapes with p95 over {SlowP95Ms} ms: {(slow.Count == 0 ? "none" : string.Join(", ", slow))}.");
        var scans = shapes.Where(s => plans[s.Name].Any(p => p.SeqScanOnTasks)).Select(s => s.Name).ToList();
        Console.WriteLine($"Shapes whose plan has a Seq Scan on tasks: {(scans.Count == 0 ? "none" : string.Join(", ", scans))}.");
    }

    /// <summary>1, 5 and 15 minute load averages (Linux); on 2 cores, much above 2 means the samples waited for a CPU.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static async Task<string> UserIdAsync(NpgsqlDataSource db, string email) =>
        (string?)await ScalarAsync(db, "SELECT id FROM \"AspNetUsers\" WHERE email = @email", [("email", email)])
        ?? throw new InvalidOperationException($"no user {email} in AspNetUsers");

    private static (string, object)[] Parameters(QueryShape shape, int listId) => [("list", listId), .. shape.Parameters];

    private static async Task<object?> ScalarAsync(NpgsqlDataSource db, string sql, (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Timed GETs of the benchmark user; anything but 200 stops the run (a 429 means the limit was not lifted).</summary>
    private sealed class ApiClient(HttpClient http)
    {
        public int Requests { get; private set; }
        public int TooManyRequests { get; private set; }

        public async Task<(TimeSpan Elapsed, int Items)> GetAsync(string path)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(path);
            var elapsed = clock.Elapsed;
            return (elapsed, (await ReadAsync(response, path))["items"]!.AsArray().Count);
        }

        public async Task<JsonObject> GetJsonAsync(string path)
        {
            using var response = await http.GetAsync(path);
            return await ReadAsync(response, path);
        }

        private async Task<JsonObject> ReadAsync(HttpResponseMessage response, string path)
        {
            Requests++;
            if (response.StatusCode == HttpStatusCode.TooManyRequests) TooManyRequests++;
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
            return JsonNode.Parse(body)!.AsObject();
        }
    }
}
