using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>Writing tasks safely: shortcuts, concurrency, idempotency, validation and the events they leave.</summary>
public sealed class TaskWriteTests(TaskFlowServices app)
{
    private static readonly TimeSpan AuditWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Complete_and_reopen_set_and_clear_completed_at_and_are_recorded_as_status_changes()
    {
        var user = await app.SignUpAsync();
        var taskId = await CreateAsync(user, new { title = "Finish it" });

        var completed = await PostForTaskAsync(user, $"/api/tasks/{taskId}/complete");
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.NotNull(completed["completed_at"]);

        var again = await PostForTaskAsync(user, $"/api/tasks/{taskId}/complete");
        Assert.Equal(completed["completed_at"]!.GetValue<string>(), again["completed_at"]!.GetValue<string>());

        var reopened = await PostForTaskAsync(user, $"/api/tasks/{taskId}/reopen");
        Assert.Equal("pending", reopened["status"]!.GetValue<string>());
        Assert.Null(reopened["completed_at"]);

        var history = await user.WaitForHistoryAsync(taskId, 3, AuditWait);
        Assert.Equal(["task.created", "task.updated", "task.updated"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        Assert.Equal("completed", history[1]!["changes"]!["status"]!["new"]!.GetValue<string>());
        Assert.NotNull(history[1]!["changes"]!["completed_at"]!["new"]);
        Assert.Equal("pending", history[2]!["changes"]!["status"]!["new"]!.GetValue<string>());
        Assert.Null(history[2]!["changes"]!["completed_at"]!["new"]);
    }

    /// <summary>The field added through TaskFields end to end: body, response, change tracking, events, audit, MCP.</summary>
    [Fact]
    public async Task Pinned_is_set_changed_and_audited_like_every_field_and_rejected_when_not_a_boolean()
    {
        var user = await app.SignUpAsync();
        var created = await user.CreateTaskAsync(new { title = "Keep at hand", pinned = true });
        var taskId = created["task_id"]!.GetValue<int>();
        Assert.True(created["pinned"]!.GetValue<bool>());
        Assert.False((await user.CreateTaskAsync(new { title = "Not pinned" }))["pinned"]!.GetValue<bool>());

        var patched = await user.PatchAsync($"/api/tasks/{taskId}", """{"pinned":false}""");
        Assert.False((await patched.Content.ReadFromJsonAsync<JsonObject>())!["pinned"]!.GetValue<bool>());
        var bad = await user.PatchAsync($"/api/tasks/{taskId}", """{"pinned":"yes"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("pinned", await bad.Content.ReadAsStringAsync());

        var history = await user.WaitForHistoryAsync(taskId, 2, AuditWait);
        Assert.True(history[0]!["changes"]!["pinned"]!["new"]!.GetValue<bool>());
        Assert.True(history[1]!["changes"]!["pinned"]!["old"]!.GetValue<bool>());
        Assert.False(history[1]!["changes"]!["pinned"]!["new"]!.GetValue<bool>());
        Assert.True(app.ReadTaskEvents(taskId, expected: 2, AuditWait)[0].Json["data"]!["pinned"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_emits_no_event()
    {
        var user = await app.SignUpAsync();
        var taskId = await CreateAsync(user, new { title = "Stable", tags = new[] { "a", "b" }, priority = "low" });

        await user.PatchAsync($"/api/tasks/{taskId}", """{"title":"Stable","tags":["A","b"],"priority":"low"}""");
        await user.PatchAsync($"/api/tasks/{taskId}", """{"tags":["b","c"]}""");

        // A task's events are delivered in order: a no-op event would have arrived before the real change.
        var history = await user.WaitForHistoryAsync(taskId, 2, AuditWait);
        Assert.Equal(2, history.Count);
        var changes = history[1]!["changes"]!.AsObject();
        Assert.Equal(["tags"], changes.Select(c => c.Key));
        Assert.Equal("""["a","b"]""", changes["tags"]!["old"]!.ToJsonString());
        Assert.Equal("""["b","c"]""", changes["tags"]!["new"]!.ToJsonString());
    }

    [Fact]
    public async Task A_stale_if_match_is_a_412_and_changes_nothing()
    {
        var user = await app.SignUpAsync();
        var taskId = await CreateAsync(user, new { title = "Contended" });
        var read = await user.Http.GetAsync($"/api/tasks/{taskId}");
        var etag = read.Headers.ETag!;

        var first = await SendWithIfMatchAsync(user, HttpMethod.Patch, $"/api/tasks/{taskId}", etag, """{"title":"First writer"}""");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag);

        var second = await SendWithIfMatchAsync(user, HttpMethod.Patch, $"/api/tasks/{taskId}", etag, """{"title":"Second writer"}""");
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        var staleDelete = await SendWithIfMatchAsync(user, HttpMethod.Delete, $"/api/tasks/{taskId}", etag, null);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.StatusCode);

        var current = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Equal("First writer", current!["title"]!.GetValue<string>());
        var freshDelete = await SendWithIfMatchAsync(user, HttpMethod.Delete, $"/api/tasks/{taskId}", first.Headers.ETag!, null);
        Assert.Equal(HttpStatusCode.NoContent, freshDelete.StatusCode);
    }

    [Fact]
    public async Task Without_if_match_the_last_write_wins()
    {
        var user = await app.SignUpAsync();
        var taskId = await CreateAsync(user, new { title = "Anyone" });

        var writes = Enumerable.Range(0, 8).Select(i => user.PatchAsync($"/api/tasks/{taskId}", $$"""{"description":"writer {{i}}"}"""));
        var responses = await Task.WhenAll(writes);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task An_idempotent_replay_returns_the_first_response_and_creates_nothing()
    {
        var user = await app.SignUpAsync();
        var key = Guid.NewGuid().ToString();
        const string body = """{"title":"Pay rent","priority":"high"}""";

        var first = await PostWithKeyAsync(user, key, body);
        var replay = await PostWithKeyAsync(user, key, body);
        var mismatch = await PostWithKeyAsync(user, key, """{"title":"Pay rent twice","priority":"high"}""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        var tasks = await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks");
        Assert.Single(tasks!["items"]!.AsArray());

        var other = await app.SignUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await PostWithKeyAsync(other, key, body)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_idempotency_key_create_one_task()
    {
        var user = await app.SignUpAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostWithKeyAsync(user, key, """{"title":"Once"}""")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task Due_date_follows_due_at_in_the_tasks_time_zone()
    {
        var user = await app.SignUpAsync();

        var task = await user.CreateTaskAsync(new { title = "Late night", due_at = "2026-03-29T00:30:00+01:00", time_zone = "Europe/Berlin" });
        Assert.Equal("2026-03-29", task["due_date"]!.GetValue<string>());
        Assert.Equal("2026-03-28T23:30:00Z", task["due_at"]!.GetValue<string>());

        var moved = await (await user.PatchAsync($"/api/tasks/{task["task_id"]}", """{"time_zone":"America/New_York"}""")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("2026-03-28", moved!["due_date"]!.GetValue<string>());
        Assert.Equal("2026-03-28T23:30:00Z", moved["due_at"]!.GetValue<string>());

        var dateOnly = await (await user.PatchAsync($"/api/tasks/{task["task_id"]}", """{"due_date":"2026-04-01"}""")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Null(dateOnly!["due_at"]);
        Assert.Equal("2026-04-01", dateOnly["due_date"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"title":"t","tags":"work"}""", "tags")]
    [InlineData("""{"title":"t","tags":["a","A"]}""", "tags")]
    [InlineData("""{"title":"t","tags":[""]}""", "tags")]
    [InlineData("""{"title":"t","tags":["123456789012345678901234567890123"]}""", "tags")]
    [InlineData("""{"title":"t","tags":["1","2","3","4","5","6","7","8","9","10","11"]}""", "tags")]
    [InlineData("""{"title":"t","tags":[1]}""", "tags")]
    [InlineData("""{"title":"t","due_at":"2026-12-01T09:00:00"}""", "due_at")]
    [InlineData("""{"title":"t","due_at":"soon"}""", "due_at")]
    [InlineData("""{"title":"t","time_zone":"Mars/Olympus"}""", "time_zone")]
    [InlineData("""{"title":"t","time_zone":null}""", "time_zone")]
    [InlineData("""{"title":"t","due_at":"2026-12-01T09:00:00Z","due_date":"2026-12-02"}""", "due_date")]
    // Dates near the ends of the calendar overflowed (a reminder counted back, a time zone's offset): 500s before.
    [InlineData("""{"title":"t","due_at":"0001-01-01T00:00:00Z","remind_before":"PT1H"}""", "due_at")]
    [InlineData("""{"title":"t","due_date":"9999-12-31","time_zone":"Pacific/Kiritimati"}""", "due_date")]
    [InlineData("""{"title":"t","remind_at":"9999-12-31T23:59:59Z"}""", "remind_at")]
    // JSON can carry a NUL character; no Postgres text column stores one.
    [InlineData("""{"title":"a\u0000b"}""", "title")]
    [InlineData("""{"title":"t","description":"\u0000"}""", "description")]
    [InlineData("""{"title":"t","category":"home\u0000"}""", "category")]
    [InlineData("""{"title":"t","tags":["a\u0000"]}""", "tags")]
    // A lone UTF-16 surrogate has no UTF-8 form: the driver could not send it (500s before).
    [InlineData("""{"title":"\ud800"}""", "title")]
    [InlineData("""{"title":"t","description":"ok \udfff"}""", "description")]
    [InlineData("""{"title":"t","category":"\ud83d"}""", "category")]
    [InlineData("""{"title":"t","tags":["\udc00x"]}""", "tags")]
    // Durations beyond what a TimeSpan holds overflowed (500s before).
    [InlineData("""{"title":"t","due_at":"2026-12-01T09:00:00Z","remind_before":"P10675200D"}""", "remind_before")]
    [InlineData("""{"title":"t","due_at":"2026-12-01T09:00:00Z","remind_before":"P99999999Y"}""", "remind_before")]
    public async Task Bad_new_fields_are_400s_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.PostRawAsync("/api/tasks", body);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
        Assert.NotNull(JsonNode.Parse(text)!["errors"]![field]);
    }

    [Fact]
    public async Task A_body_that_is_not_valid_utf8_is_a_400_and_a_paired_surrogate_is_stored()
    {
        var user = await app.SignUpAsync();
        using var invalid = new ByteArrayContent([.. "{\"title\":\""u8, 0xff, 0xfe, .. "\"}"u8]);
        invalid.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await user.Http.PostAsync("/api/tasks", invalid);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Contains("UTF-8", JsonNode.Parse(text)!["errors"]!["body"]!.ToJsonString());
        // A surrogate pair is an ordinary character (here an emoji), not a lone surrogate.
        Assert.Equal("Call mum \U0001F4DE", (await user.CreateTaskAsync(new { title = "Call mum \U0001F4DE" }))["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/tasks")]
    [InlineData("/mcp")]
    public async Task A_body_over_the_limit_is_a_413_naming_the_limit_before_it_is_read(string path)
    {
        var user = await app.SignUpAsync();
        var title = new string('x', (int)TaskFlow.Api.ApiLimits.MaxRequestBodyBytes);
        var body = path == "/mcp"
            ? """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":{"title":""" + $"\"{title}\"}}}}}}"
            : $"{{\"title\":\"{title}\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        // Asking first: the server answers 413 instead of 100 Continue, so the body is never sent. (Sent anyway, the
        // server answers and closes the connection while the client is still writing: the client sees only a reset.)
        request.Headers.ExpectContinue = true;
        // The client waits for that answer 1 s by default and then sends anyway: too short on a loaded machine.
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = user.Http.BaseAddress };
        patient.DefaultRequestHeaders.Authorization = user.Http.DefaultRequestHeaders.Authorization;

        var response = await patient.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode} {text}");
        Assert.Contains(TaskFlow.Api.ApiLimits.MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), JsonNode.Parse(text)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bad_idempotency_key_is_a_400()
    {
        var user = await app.SignUpAsync();

        var response = await PostWithKeyAsync(user, new string('k', 201), """{"title":"t"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Too_many_requests_from_one_user_are_429s_with_retry_after_while_others_are_served()
    {
        var greedy = await app.SignUpAsync();
        var polite = await app.SignUpAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var mine = new List<HttpResponseMessage>();
            for (var i = 0; i < 25; i++) mine.Add(await greedy.Http.GetAsync("/api/tags"));
            return mine;
        }));

        var refused = responses.SelectMany(r => r).Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.OK, (await polite.Http.GetAsync("/api/tags")).StatusCode);
    }

    private static async Task<int> CreateAsync(TaskFlowUser user, object body) =>
        (await user.CreateTaskAsync(body))["task_id"]!.GetValue<int>();

    private static async Task<JsonObject> PostForTaskAsync(TaskFlowUser user, string path)
    {
        var response = await user.Http.PostAsync(path, null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static Task<HttpResponseMessage> SendWithIfMatchAsync(TaskFlowUser user, HttpMethod method, string path, EntityTagHeaderValue etag, string? json)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.IfMatch.Add(etag);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return user.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostWithKeyAsync(TaskFlowUser user, string key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return user.Http.SendAsync(request);
    }
}
