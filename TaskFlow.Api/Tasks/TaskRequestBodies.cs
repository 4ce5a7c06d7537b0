using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using TaskFlow.Api.QuickAdd;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// The bodies of <c>POST /api/tasks</c> and <c>PATCH /api/tasks/{id}</c> as JSON Schemas made from
/// <see cref="TaskFields"/>, the list the parser reads and the agent tools publish: the OpenAPI document describes
/// exactly the fields <see cref="TaskInput"/> accepts, with the same limits, and cannot drift from it.
/// </summary>
public static class TaskRequestBodies
{
    /// <summary>A new task: its fields, or a quick-add line in <c>text</c>, or both.</summary>
    public static JsonObject Create
    {
        get
        {
            var body = Body([], "A new task: title is required, or a text to read it from; every other field has a default.");
            body["properties"]![QuickAddRequest.TextField] = QuickAddRequest.TextSchema;
            body["properties"]![QuickAddRequest.LocaleField] = QuickAddRequest.LocaleSchema;
            body["anyOf"] = new JsonArray(new JsonObject { ["required"] = new JsonArray("title") }, new JsonObject { ["required"] = new JsonArray(QuickAddRequest.TextField) });
            return body;
        }
    }

    /// <summary>The body of <c>POST /api/tasks/parse</c>: the text, how to read it, and fields that win over it.</summary>
    public static JsonObject Parse
    {
        get
        {
            var body = Create;
            body["description"] = "A line of text to read into a task, with the zone and locale to read it in; fields sent beside it win over what it says.";
            body.Remove("anyOf");
            body["required"] = new JsonArray(QuickAddRequest.TextField);
            return body;
        }
    }

    public static JsonObject Update => Body([], "Only the fields sent change; null clears description, category, due_date and due_at.");

    /// <summary>
    /// The endpoint reads <paramref name="schema"/> as JSON itself (TaskInput names each bad field): any other content
    /// type is a 415 (routing's Accepts check), and the OpenAPI document shows the schema as the request body.
    /// </summary>
    public static RouteHandlerBuilder AcceptsTaskBody(this RouteHandlerBuilder endpoint, JsonObject schema) => endpoint
        // Any JSON object as far as routing and the generator go; the transformer puts the real schema in.
        .Accepts<JsonObject>("application/json")
        .AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema.ToOpenApiSchema(context.Document) } },
            };
            return Task.CompletedTask;
        });

    /// <summary>A JSON Schema made in code (for the parser and the agent tools), as the OpenAPI document's model.</summary>
    public static OpenApiSchema ToOpenApiSchema(this JsonObject schema, OpenApiDocument? document)
    {
        var parsed = OpenApiModelFactory.Parse<OpenApiSchema>(schema.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document ?? new OpenApiDocument(), out var diagnostic, "json");
        if (parsed is null || diagnostic?.Errors.Count > 0)
            throw new InvalidOperationException($"A schema does not read as OpenAPI: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        return parsed;
    }

    private static JsonObject Body(string[] required, string description) => new()
    {
        ["type"] = "object",
        ["description"] = description,
        ["properties"] = new JsonObject(TaskFields.SettableNames.Select(name => KeyValuePair.Create(name, (JsonNode?)TaskFields.SchemaOf(name)))),
        ["required"] = new JsonArray([.. required.Select(name => (JsonNode?)name)]),
        // Unknown fields are a 400 naming them.
        ["additionalProperties"] = false,
    };
}
