using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>The published API description is what client authors (and Scalar) rely on.</summary>
public sealed class OpenApiTests(TaskFlowServices app)
{
    [Fact]
    public async Task The_openapi_document_describes_every_task_parameter_body_and_status()
    {
        var document = await app.CreateApiClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = document!["paths"]!.AsObject();

        var list = paths["/api/tasks"]!["get"]!;
        string[] queryParameters = ["status", "priority", "category", "tag", "q", "due_before", "due_after", "overdue", "list_id", "assignee", "sort", "limit", "cursor"];
        Assert.Equal(queryParameters.Order(), ParameterNames(list).Order());
        Assert.All(list["parameters"]!.AsArray(), p => Assert.False(string.IsNullOrEmpty(p!["description"]?.GetValue<string>()), $"{p!["name"]} has no description"));
        AssertStatuses(list, "200", "400", "401", "429");
        // The sort parameter is the sort catalog, as list_tasks offers it to agents.
        var sort = list["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "sort")!;
        Assert.Equal(TaskFlow.Api.Tasks.TaskSorts.Values, sort["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(TaskFlow.Api.Tasks.TaskSorts.Description, sort["description"]!.GetValue<string>());

        var create = paths["/api/tasks"]!["post"]!;
        Assert.Contains("Idempotency-Key", ParameterNames(create));
        // The bodies are TaskFields' schemas: what the parser reads, with its limits.
        var createBody = create["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal([.. TaskFlow.Api.Tasks.TaskFields.SettableNames, "text", "locale"], createBody["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(200, createBody["properties"]!["title"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(["low", "medium", "high"], createBody["properties"]!["priority"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        // A title, or a quick-add text to read one from.
        Assert.Equal(["title", "text"], createBody["anyOf"]!.AsArray().Select(v => v!["required"]!.AsArray().Single()!.GetValue<string>()));
        AssertStatuses(create, "201", "400", "401", "415", "422", "429");
        var parse = paths["/api/tasks/parse"]!["post"]!;
        Assert.Equal(["text"], parse["requestBody"]!["content"]!["application/json"]!["schema"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()));
        AssertStatuses(parse, "200", "400", "401", "415", "429");

        var patch = paths["/api/tasks/{taskId}"]!["patch"]!;
        Assert.Contains("If-Match", ParameterNames(patch));
        AssertStatuses(patch, "200", "400", "401", "404", "412", "429");
        Assert.Equal(TaskFlow.Api.Tasks.TaskFields.SettableNames,
            patch["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!.AsObject().Select(p => p.Key));
        AssertStatuses(paths["/api/tasks/{taskId}"]!["delete"]!, "204", "401", "404", "412", "429");
        AssertStatuses(paths["/api/tasks/{taskId}/complete"]!["post"]!, "200", "404", "412");
        AssertStatuses(paths["/api/tasks/{taskId}/reopen"]!["post"]!, "200", "404", "412");
        AssertStatuses(paths["/api/tasks/{taskId}/history"]!["get"]!, "200", "404", "503");
        Assert.NotNull(paths["/api/categories"]!["get"]);
        Assert.NotNull(paths["/api/tags"]!["get"]);

        // A bound body says what the binder takes: minutes is a number (never "5"), and either field may be left out.
        var snooze = document["components"]!["schemas"]!["SnoozeRequest"]!;
        Assert.DoesNotContain("string", snooze["properties"]!["minutes"]!["type"]!.ToJsonString());
        Assert.Empty(snooze["required"]?.AsArray() ?? []);

        var taskSchema = document["components"]!["schemas"]!["TaskResponse"]!["properties"]!.AsObject();
        foreach (var field in new[] { "task_id", "title", "tags", "due_at", "time_zone", "completed_at", "created_at", "updated_at" })
            Assert.True(taskSchema.ContainsKey(field), $"TaskResponse lacks {field}");
    }

    private static IEnumerable<string> ParameterNames(JsonNode operation) =>
        operation["parameters"]?.AsArray().Select(p => p!["name"]!.GetValue<string>()) ?? [];

    private static void AssertStatuses(JsonNode operation, params string[] statuses)
    {
        var documented = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
        foreach (var status in statuses) Assert.True(documented.Contains(status), $"{operation["operationId"]} does not document {status} (has {string.Join(",", documented)})");
    }
}
