using System.Text.Json.Nodes;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Messaging.Schemas;

/// <summary>
/// The committed JSON Schemas of <see cref="EventCatalog"/> (schemas/events/, embedded in this assembly), and the
/// schema of a whole topic: what a schema registry holds under the topic's value subject.
/// </summary>
public static class EventSchemaDocuments
{
    /// <summary>An event's schema as committed; a new copy each call (callers may change it).</summary>
    public static JsonObject Of(EventDefinition definition)
    {
        using var stream = typeof(EventSchemaDocuments).Assembly.GetManifestResourceStream(definition.SchemaPath)
            ?? throw new InvalidOperationException($"{definition.SchemaPath} is not embedded: the catalog names an event without a committed schema.");
        return JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>The TopicNameStrategy subject of a topic's values.</summary>
    public static string SubjectOf(string topic) => $"{topic}-value";

    /// <summary>
    /// Every event that travels on <paramref name="topic"/>, one <c>oneOf</c> branch each (their <c>event_type</c> and
    /// <c>version</c> constants keep exactly one branch matching).
    /// </summary>
    public static JsonObject OfTopic(string topic)
    {
        var branches = new JsonArray();
        foreach (var definition in EventCatalog.On(topic))
        {
            var schema = Of(definition);
            schema.Remove("$schema");
            branches.Add(schema);
        }
        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"urn:taskflow:topic:{topic}:value",
            ["title"] = topic,
            ["description"] = $"Every event on {topic}: one of the event schemas below, told apart by event_type and version.",
            ["oneOf"] = branches,
        };
    }
}
