using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Api;

public sealed class TaskLifecycleTests(TaskFlowServices app)
{
    private static readonly TimeSpan AuditWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_new_user_can_register_sign_in_and_see_an_empty_task_list()
    {
        var user = await app.SignUpAsync();

        var list = await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks");

        Assert.Empty(list!["items"]!.AsArray());
    }

    [Fact]
    public async Task Requests_without_a_token_are_unauthorized()
    {
        var anonymous = app.CreateApiClient();

        var response = await anonymous.GetAsync("/api/tasks");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var user = await app.SignUpAsync();
        var response = await app.CreateApiClient().PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "Wrong-Password-1" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_nul_character_that_reaches_the_database_is_a_400_naming_it()
    {
        // The Identity endpoints hand the email straight to a query; Postgres refuses the NUL in it.
        var response = await app.CreateApiClient().PostAsync("/api/auth/login",
            new StringContent("""{"email":"a\u0000@example.com","password":"Passw0rd!x"}""", System.Text.Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Contains("NUL character", text);
    }

    [Fact]
    public async Task Create_update_two_fields_delete_then_history_shows_the_three_events_in_order()
    {
        var user = await app.SignUpAsync();
        var created = await user.CreateTaskAsync(new
        {
            title = "Write the report",
            description = "Quarterly numbers",
            priority = "medium",
            category = "work",
            due_date = "2026-12-01",
        });
        var taskId = created["task_id"]!.GetValue<int>();
        Assert.Equal("pending", created["status"]!.GetValue<string>());

        var patch = await user.PatchAsync($"/api/tasks/{taskId}", """{"priority":"high","status":"in_progress"}""");
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var updated = await patch.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("high", updated!["priority"]!.GetValue<string>());
        Assert.Equal("in_progress", updated["status"]!.GetValue<string>());

        var delete = await user.Http.DeleteAsync($"/api/tasks/{taskId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync($"/api/tasks/{taskId}")).StatusCode);

        var history = await user.WaitForHistoryAsync(taskId, 3, AuditWait);

        Assert.Equal(["task.created", "task.updated", "task.deleted"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        var timestamps = history.Select(e => DateTimeOffset.Parse(e!["timestamp"]!.GetValue<string>())).ToList();
        Assert.Equal(timestamps.Order(), timestamps);

        var changes = history[1]!["changes"]!.AsObject();
        Assert.Equal(2, changes.Count);
        Assert.Equal("medium", changes["priority"]!["old"]!.GetValue<string>());
        Assert.Equal("high", changes["priority"]!["new"]!.GetValue<string>());
        Assert.Equal("pending", changes["status"]!["old"]!.GetValue<string>());
        Assert.Equal("in_progress", changes["status"]!["new"]!.GetValue<string>());

        Assert.Equal("Write the report", history[0]!["changes"]!["title"]!["new"]!.GetValue<string>());
        Assert.Empty(history[2]!["changes"]!.AsObject());
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_keeps_the_task_as_it_was()
    {
        var user = await app.SignUpAsync();
        var created = await user.CreateTaskAsync(new { title = "Same", priority = "low" });
        var taskId = created["task_id"]!.GetValue<int>();

        var patch = await user.PatchAsync($"/api/tasks/{taskId}", """{"title":"Same","priority":"low"}""");

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var after = await patch.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(created["updated_at"]!.GetValue<string>(), after!["updated_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task Null_clears_an_optional_field_and_absent_fields_stay()
    {
        var user = await app.SignUpAsync();
        var created = await user.CreateTaskAsync(new { title = "Keep", description = "to clear", category = "home", due_date = "2027-01-02" });
        var taskId = created["task_id"]!.GetValue<int>();

        var patch = await user.PatchAsync($"/api/tasks/{taskId}", """{"description":null,"due_date":null}""");
        var after = await patch.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Null(after!["description"]);
        Assert.Null(after["due_date"]);
        Assert.Equal("home", after["category"]!.GetValue<string>());
        Assert.Equal("Keep", after["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_users_task_is_not_found_for_every_operation()
    {
        var owner = await app.SignUpAsync();
        var stranger = await app.SignUpAsync();
        var taskId = (await owner.CreateTaskAsync(new { title = "Mine" }))["task_id"]!.GetValue<int>();
        await owner.WaitForHistoryAsync(taskId, 1, AuditWait);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/tasks/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PatchAsync($"/api/tasks/{taskId}", """{"title":"Yours now"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.DeleteAsync($"/api/tasks/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/tasks/{taskId}/history")).StatusCode);
        Assert.Empty((await stranger.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());

        var stillMine = await owner.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Equal("Mine", stillMine!["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{}""", "title")]
    [InlineData("""{"title":"   "}""", "title")]
    [InlineData("""{"title":42}""", "title")]
    [InlineData("""{"title":"ok","priority":"urgent"}""", "priority")]
    [InlineData("""{"title":"ok","status":"done"}""", "status")]
    [InlineData("""{"title":"ok","due_date":"tomorrow"}""", "due_date")]
    [InlineData("""{"title":"ok","due_date":"2025-02-30"}""", "due_date")]
    [InlineData("""{"title":"ok","category":["a"]}""", "category")]
    [InlineData("""{"title":"ok","colour":"red"}""", "colour")]
    [InlineData("""{"title":"ok",""", "body")]
    [InlineData("""[1,2]""", "body")]
    public async Task A_bad_create_body_is_a_400_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.PostRawAsync("/api/tasks", body);

        await AssertValidationProblemAsync(response, field);
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task Overlong_fields_are_400s_naming_each_field()
    {
        var user = await app.SignUpAsync();
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            title = new string('t', 201),
            description = new string('d', 4001),
            category = new string('c', 51),
        });

        var response = await user.PostRawAsync("/api/tasks", body);

        var problem = await AssertValidationProblemAsync(response, "title");
        Assert.NotNull(problem["errors"]!["description"]);
        Assert.NotNull(problem["errors"]!["category"]);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_as_an_unsupported_media_type()
    {
        var user = await app.SignUpAsync();

        var response = await user.PostRawAsync("/api/tasks", "title=x", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("""{"title":null}""", "title")]
    [InlineData("""{"priority":null}""", "priority")]
    [InlineData("""{"status":"finished"}""", "status")]
    [InlineData("""not json""", "body")]
    public async Task A_bad_patch_is_a_400_and_changes_nothing(string body, string field)
    {
        var user = await app.SignUpAsync();
        var taskId = (await user.CreateTaskAsync(new { title = "Untouched" }))["task_id"]!.GetValue<int>();

        await AssertValidationProblemAsync(await user.PatchAsync($"/api/tasks/{taskId}", body), field);

        var task = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Equal("Untouched", task!["title"]!.GetValue<string>());
        Assert.Equal("pending", task["status"]!.GetValue<string>());
    }

    private static async Task<JsonObject> AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.True(problem["errors"]?[field] is not null, $"the problem does not name '{field}': {text}");
        return problem;
    }
}
