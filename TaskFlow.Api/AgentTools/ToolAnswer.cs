using System.Text.Json.Nodes;

namespace TaskFlow.Api.AgentTools;

/// <summary>A tool's answer: the result as JSON, or (<see cref="IsError"/>) a message that tells the agent what to fix.</summary>
public sealed record ToolAnswer(bool IsError, JsonNode Content)
{
    public static ToolAnswer Ok(JsonNode content) => new(false, content);

    public static ToolAnswer Error(string message) => new(true, JsonValue.Create(message));

    public static ToolAnswer Invalid(IDictionary<string, string[]> errors) =>
        Error("The arguments are not valid: " + string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"[{e.Key}] {m}"))));

    /// <summary>Text for a person or a model: the message itself, or the JSON of the result.</summary>
    public string Text => Content is JsonValue value && value.TryGetValue<string>(out var text) ? text : Content.ToJsonString();
}
