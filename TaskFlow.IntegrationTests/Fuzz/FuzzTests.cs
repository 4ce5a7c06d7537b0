using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TaskFlow.IntegrationTests.Fuzz;

/// <summary>
/// Walks every operation of the Api's own OpenAPI document and every MCP tool with generated hostile requests and
/// fails on any 5xx, any answer slower than 2 s, and any request that reads or changes a list (or its tasks or
/// invitations) of a user none of the fuzzers shares it with: those must answer as if nothing were there. Request i is generated from (seed, i) alone, so a failure printed
/// with its seed and index is reproduced by TASKFLOW_FUZZ_SEED=seed (TASKFLOW_FUZZ_REQUESTS sets how many).
/// </summary>
public sealed class FuzzTests(TaskFlowServices app, ITestOutputHelper output)
{
    private const int DefaultSeed = 20261130;
    private const int DefaultRequests = 6_000;
    private const int Users = 40;
    private const int Lanes = 4;
    private static readonly TimeSpan SlowLimit = TimeSpan.FromSeconds(2);

    private sealed record Parameter(string Name, string In, JsonNode? Schema);

    /// <summary>A REST operation, or an MCP tool (Path "/mcp", Tool set).</summary>
    private sealed record Target(string Method, string Path, IReadOnlyList<Parameter> Parameters, JsonNode? Body, string? Tool = null)
    {
        public string Name => Tool is null ? $"{Method} {Path}" : $"MCP {Tool}";
    }

    private sealed record Fuzzer(TaskFlowUser User, string Token, int TaskId, int ListId, string UserId);

    /// <summary>Someone else's list, task and invitation: the ids the fuzzers try to reach without being members.</summary>
    /// <summary>Someone else's list, task and invitation: the ids the fuzzers try to reach without being members.</summary>
    private sealed record Victim(TaskFlowUser User, string UserId, int ListId, int TaskId, Guid InvitationId)
    {
        /// <summary>Whether a request names one of the victim's ids (in its path, query, body or arguments).</summary>
        public bool IsNamedIn(FuzzRequest request)
        {
            var text = request.Path + " " + (request.Body is null ? "" : Encoding.UTF8.GetString(request.Body));
            return Regex.IsMatch(text, $@"(/lists/|list_id=|""list_id"":){ListId}(?!\d)|(/tasks/|""task_id"":){TaskId}(?!\d)")
                || text.Contains(InvitationId.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Every_operation_and_mcp_tool_answers_hostile_requests_without_a_server_error_within_two_seconds()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TASKFLOW_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var total = int.TryParse(Environment.GetEnvironmentVariable("TASKFLOW_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : DefaultRequests;
        output.WriteLine($"Fuzz seed {seed}, {total} requests (set TASKFLOW_FUZZ_SEED and TASKFLOW_FUZZ_REQUESTS to change).");

        var document = (await app.CreateApiClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var components = document["components"] as JsonObject ?? [];
        var users = await Task.WhenAll(Enumerable.Range(0, Users).Select(async _ =>
        {
            var user = await app.SignUpAsync();
            var listId = await user.CreateListAsync("Fuzz list");
            var taskId = (await user.CreateTaskAsync(new { title = "Fuzz target", due_date = "2030-01-01", list_id = listId }))["task_id"]!.GetValue<int>();
            return new Fuzzer(user, user.Http.DefaultRequestHeaders.Authorization!.Parameter!, taskId, listId, await user.UserIdAsync());
        }));
        var victimUser = await app.SignUpAsync();
        var victimList = await victimUser.CreateListAsync("Not the fuzzers'");
        var victimTask = await victimUser.CreateTaskIdAsync(new { title = "Untouchable", list_id = victimList });
        var victim = new Victim(victimUser, await victimUser.UserIdAsync(), victimList, victimTask,
            await victimUser.InviteAsync(victimList, $"invited-{Guid.NewGuid():N}@example.test", "viewer"));
        var victimBefore = await VictimStateAsync(victim);
        var targets = Operations(document).Concat(await McpToolsAsync(users[0])).ToList();
        output.WriteLine($"{targets.Count} targets: {string.Join(", ", targets.Select(t => t.Name))}");

        using var http = app.CreateApiClient();
        http.Timeout = TimeSpan.FromSeconds(30);
        // Each target once before timing: the first call of an endpoint pays for compiling it.
        foreach (var target in targets) await SendAsync(http, Build(target, components, users[0], victim, new HostileValues(new Random(seed))));

        var failures = new List<string>();
        var statuses = targets.ToDictionary(t => t.Name, _ => new SortedDictionary<int, int>());
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = Lanes }, async (i, _) =>
        {
            var target = targets[i % targets.Count];
            var request = Build(target, components, users[i / targets.Count % users.Length], victim, new HostileValues(new Random(RequestSeed(seed, i))));
            var (status, elapsed, text) = await SendAsync(http, request);
            // One slow answer on this shared two-core machine can be a pause elsewhere; the same request slow twice is ours.
            if (elapsed > SlowLimit && status < 500) (status, elapsed, text) = await SendAsync(http, request);
            lock (statuses[target.Name]) statuses[target.Name][status] = statuses[target.Name].GetValueOrDefault(status) + 1;
            if (ReachedTheVictim(request, victim, status, text))
            {
                lock (failures) failures.Add($"seed {seed} request {i}: {request.Describe()} reached another user's list -> {status}: {Truncate(text, 400)}");
            }
            if (status >= 500 || elapsed > SlowLimit)
            {
                lock (failures)
                    failures.Add($"seed {seed} request {i}: {request.Describe()} -> {status} in {elapsed.TotalMilliseconds:0} ms: {Truncate(text, 400)}");
            }
        });

        output.WriteLine($"{total} requests in {clock.Elapsed.TotalSeconds:0.0} s.");
        foreach (var (name, counts) in statuses)
            output.WriteLine($"{name}: {string.Join(" ", counts.Select(c => $"{c.Key}x{c.Value}"))}");
        // A failure says what the Api logged about it too: a 5xx or a JSON-RPC -32603 names no cause in its answer.
        var apiLog = failures.Count == 0 ? "" : await app.RecentLogsAsync("api", 200);
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join("\n", failures.Take(20))}\n" +
            $"The Api's recent errors:\n{string.Join("\n", apiLog.Split('\n').Where(line => line.Contains("fail", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal)).TakeLast(40))}");
        // Whatever was tried, the victim's list is as it was.
        Assert.Equal(victimBefore, await VictimStateAsync(victim));
        // Rate limits and sign-in did not hide an operation: each was answered on its merits at least once.
        Assert.All(statuses, s => Assert.True(s.Value.Keys.Any(code => code is not (401 or 429)), $"{s.Key} was never answered past 401/429"));
    }

    /// <summary>
    /// Whether a request that names the victim's list, task or invitation was answered as if they were there for the
    /// fuzzer: a success (for a tool: an answer that is no error), or a 403, which tells that they exist. Any other 4xx
    /// is no reach, whichever part of the request it is about.
    /// </summary>
    private static bool ReachedTheVictim(FuzzRequest request, Victim victim, int status, string text) =>
        request.Token is not null && victim.IsNamedIn(request)
        && (request.Mcp ? text.Contains("\"isError\":false", StringComparison.Ordinal) : status is (>= 200 and < 300) or 403);

    /// <summary>The victim's list as they see it: name, members, open invitations, and the task with its version.</summary>
    private static async Task<string> VictimStateAsync(Victim victim)
    {
        var list = await victim.User.Http.GetStringAsync($"/api/lists/{victim.ListId}");
        var invitations = await victim.User.Http.GetStringAsync($"/api/lists/{victim.ListId}/invitations");
        using var task = await victim.User.Http.GetAsync($"/api/tasks/{victim.TaskId}");
        return $"{list}\n{invitations}\n{task.Headers.ETag}\n{await task.Content.ReadAsStringAsync()}";
    }

    /// <summary>Every operation of the document; not the Api's own infrastructure (health, the document itself).</summary>
    private static IEnumerable<Target> Operations(JsonObject document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var parameters = (operation!["parameters"] as JsonArray ?? [])
                    .Select(p => new Parameter(p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["schema"]))
                    .ToList();
                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                yield return new Target(method.ToUpperInvariant(), path, parameters, body ?? (operation["requestBody"] is null ? null : new JsonObject()));
            }
        }
    }

    private async Task<IEnumerable<Target>> McpToolsAsync(Fuzzer user)
    {
        var request = Mcp(user.Token, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        using var response = await app.CreateApiClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        // Streamable HTTP may answer as an event stream: the JSON is on its data line.
        var json = text.TrimStart().StartsWith('{') ? text : text.Split('\n').First(line => line.StartsWith("data:", StringComparison.Ordinal))[5..];
        return JsonNode.Parse(json)!["result"]!["tools"]!.AsArray()
            .Select(tool => new Target("POST", "/mcp", [], tool!["inputSchema"], tool["name"]!.GetValue<string>()))
            .ToList();
    }

    /// <summary>One request for <paramref name="target"/>, every choice drawn from <paramref name="values"/>.</summary>
    private static FuzzRequest Build(Target target, JsonObject components, Fuzzer user, Victim victim, HostileValues values)
    {
        var token = values.Chance(0.03) ? (values.Chance(0.5) ? null : "not-a-token") : user.Token;
        // From a well-formed request to chaos: most requests have a few hostile parts, some none.
        var hostile = values.Pick([0, 0.05, 0.15, 0.4]);
        if (target.Tool is { } tool)
        {
            var arguments = values.Chance(0.1) ? values.AnyJson() : AimedAtLists(values.ForSchema(target.Body, components, hostile), user, victim, values);
            var id = values.Chance(0.05) ? values.AnyJson() : "1";
            return new FuzzRequest("POST", "/mcp", token, Encoding.UTF8.GetBytes(
                $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":{{{HostileValues.Quote(tool)}}},"arguments":{{{arguments}}}}}"""),
                "application/json", [], Mcp: true);
        }

        var path = target.Path;
        var query = new List<string>();
        var headers = new List<(string, string)>();
        foreach (var parameter in target.Parameters)
        {
            var value = KnownId(parameter.Name, user, victim, values)
                ?? (values.Chance(Math.Max(hostile, 0.1)) ? values.AnyText() : Unquote(values.ForSchema(parameter.Schema, components, 0, parameter.Name)));
            switch (parameter.In)
            {
                case "path":
                    path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(value.Length == 0 ? " " : value[..Math.Min(value.Length, 4000)]), StringComparison.Ordinal);
                    break;
                case "query" when values.Chance(0.6):
                    query.Add($"{parameter.Name}={Uri.EscapeDataString(value[..Math.Min(value.Length, 4000)])}");
                    // Repeated parameters: ?limit=1&limit=2.
                    if (values.Chance(0.1)) query.Add($"{parameter.Name}={Uri.EscapeDataString(string.Concat(values.AnyText().Take(20)))}");
                    break;
                case "header" when values.Chance(0.4):
                    headers.Add((parameter.Name, new string(value.Where(c => c is >= ' ' and <= '~').Take(200).ToArray())));
                    break;
            }
        }
        if (query.Count > 0) path += "?" + string.Join("&", query);

        byte[]? body = null;
        var contentType = "application/json";
        if (target.Body is not null || values.Chance(0.1))
        {
            body = values.Next(20) switch
            {
                < 14 => Encoding.UTF8.GetBytes(AimedAtLists(values.ForSchema(target.Body, components, hostile), user, victim, values)),
                < 17 => values.MalformedBody(),
                < 19 => Encoding.UTF8.GetBytes(values.AnyJson()),
                _ => Encoding.UTF8.GetBytes(values.AnyText()),
            };
            if (values.Chance(0.05)) contentType = values.Pick(["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "multipart/form-data"]);
        }
        return new FuzzRequest(target.Method, path, token, body, contentType, headers);
    }

    /// <summary>
    /// A path parameter that names something: often the fuzzer's own (so requests get past "not found"), often the
    /// victim's (which must stay out of reach), else null for a generated value.
    /// </summary>
    private static string? KnownId(string parameter, Fuzzer user, Victim victim, HostileValues values) => (parameter, values.Next(10)) switch
    {
        ("taskId", < 4) => user.TaskId.ToString(CultureInfo.InvariantCulture),
        ("taskId", < 6) => victim.TaskId.ToString(CultureInfo.InvariantCulture),
        ("listId", < 4) => user.ListId.ToString(CultureInfo.InvariantCulture),
        ("listId", < 7) => victim.ListId.ToString(CultureInfo.InvariantCulture),
        ("memberId", < 3) => user.UserId,
        ("memberId", < 6) => victim.UserId,
        ("invitationId", < 4) => victim.InvitationId.ToString(),
        _ => null,
    };

    /// <summary>A generated JSON object whose list_id and task_id are, now and then, the fuzzer's own or the victim's.</summary>
    private static string AimedAtLists(string json, Fuzzer user, Victim victim, HostileValues values)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject body) return json;
            var aimed = false;
            foreach (var (field, own, theirs) in new[] { ("list_id", user.ListId, victim.ListId), ("task_id", user.TaskId, victim.TaskId) })
            {
                if (!body.ContainsKey(field) || !values.Chance(0.5)) continue;
                body[field] = values.Chance(0.5) ? own : theirs;
                aimed = true;
            }
            return aimed ? body.ToJsonString() : json;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            // Not JSON, or JSON a JsonNode cannot hold (a lone surrogate, a repeated property): sent as generated.
            return json;
        }
    }

    private sealed record FuzzRequest(string Method, string Path, string? Token, byte[]? Body, string ContentType, List<(string Name, string Value)> Headers, bool Mcp = false)
    {
        public string Describe() =>
            $"{Method} {Truncate(Path, 300)} token={(Token is null ? "none" : Token.Length > 20 ? "user" : Token)} "
            + $"headers=[{string.Join(", ", Headers.Select(h => $"{h.Name}: {Truncate(h.Value, 60)}"))}] "
            + (Body is null ? "no body" : $"{ContentType} body ({Body.Length} bytes): {Truncate(Encoding.UTF8.GetString(Body), 300)}");
    }

    private static HttpRequestMessage Mcp(string? token, string json) =>
        ToMessage(new FuzzRequest("POST", "/mcp", token, Encoding.UTF8.GetBytes(json), "application/json", [], Mcp: true));

    private static HttpRequestMessage ToMessage(FuzzRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (request.Token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.Token);
        if (request.Mcp) message.Headers.Accept.ParseAdd("application/json, text/event-stream");

        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
        return message;
    }

    /// <summary>Status, time to the answer's headers and its start (an event stream is not read to its end).</summary>
    private static async Task<(int Status, TimeSpan Elapsed, string Text)> SendAsync(HttpClient http, FuzzRequest request)
    {
        using var message = ToMessage(request);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
            var elapsed = clock.Elapsed;
            var streaming = response.Content.Headers.ContentType?.MediaType == "text/event-stream" && !request.Mcp;
            var text = streaming ? "(event stream)" : await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, streaming ? elapsed : clock.Elapsed, text);
        }
        catch (HttpRequestException exception) when (request.Body?.Length > TaskFlow.Api.ApiLimits.MaxRequestBodyBytes)
        {
            // A body over the Api's limit (two long strings in one request) is refused before it is read: Kestrel
            // answers 413 and closes the connection while this client is still sending, so all it sees is the close.
            return (413, clock.Elapsed, $"closed while sending a body over the limit: {exception.Message}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            // No answer at all counts as the worst answer.
            return (599, clock.Elapsed, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>
    /// Request <paramref name="index"/>'s own seed, the same in every process (HashCode.Combine is not: it is salted
    /// per process, so a failure printed by CI could not be reproduced).
    /// </summary>
    private static int RequestSeed(int seed, int index) => unchecked(seed * 1_000_003 + index);

    /// <summary>The text of a JSON string literal (a lone surrogate escape has none: then the literal as it is).</summary>
    private static string Unquote(string json)
    {
        try
        {
            return json.StartsWith('"') ? JsonNode.Parse(json)!.GetValue<string>() : json;
        }
        catch (InvalidOperationException)
        {
            return json;
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + $"... ({text.Length} chars)";
}
