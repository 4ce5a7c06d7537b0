using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using TaskFlow.Api.Updates;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Events.Contracts;

/// <summary>
/// The JSON Schema (draft 2020-12) of each event in <see cref="EventCatalog"/>, generated from the record the services
/// serialize, with the options they serialize it with: what <c>schemas/events/</c> must hold.
/// </summary>
public static class EventSchemas
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>
    /// The records of the events whose record the catalog cannot name (<see cref="EventDefinition.DataType"/> is null):
    /// the Api's live updates, whose record lives in the Api.
    /// </summary>
    private static readonly IReadOnlyDictionary<(string Type, string Version), Type> ApiRecords = new Dictionary<(string, string), Type>
    {
        [(TaskUpdateTypes.Changed, "1.0")] = typeof(TaskUpdateData),
        [(TaskUpdateTypes.Removed, "1.0")] = typeof(TaskUpdateData),
    };

    /// <summary>The record an event's <c>data</c> is; a catalog entry without one fails the contract tests.</summary>
    public static Type RecordOf(EventDefinition definition) =>
        definition.DataType
        ?? ApiRecords.GetValueOrDefault((definition.Type, definition.Version))
        ?? throw new InvalidOperationException($"{definition.Type} {definition.Version} names no data record in EventCatalog.");

    /// <summary>
    /// Enums that version 1.0 of the task events was published with as plain strings, before the records typed them:
    /// their schemas keep saying <c>"type": "string"</c>, as registered. An <c>enum</c> there now would narrow the
    /// schema, which a BACKWARD_TRANSITIVE registry refuses. Readers accept the values the Api has always written (the
    /// enums' snake_case names); a new value is a new version of the event, like any change a reader cannot follow.
    /// </summary>
    private static readonly HashSet<Type> PublishedAsStrings = [typeof(TaskEventStatus), typeof(TaskEventPriority)];

    // The services' reading options (what a record requires is required, nullability from the annotations), and numbers
    // are numbers (readers also accept them quoted, the web defaults; producers never write them so).
    private static readonly JsonSerializerOptions Options = new(EventJson.Reading) { NumberHandling = JsonNumberHandling.Strict };

    private static readonly JsonSchemaExporterOptions ExporterOptions = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (context, schema) =>
        {
            var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
            if (PublishedAsStrings.Contains(type)) return new JsonObject { ["type"] = "string" };
            // The wire's timestamp converter is custom, so the exporter cannot see that it writes RFC 3339 UTC.
            if (type == typeof(DateTimeOffset))
            {
                var nullable = context.TypeInfo.Type != type || (context.PropertyInfo?.IsGetNullable ?? false);
                return new JsonObject
                {
                    ["type"] = nullable ? new JsonArray("string", "null") : "string",
                    ["format"] = "date-time",
                };
            }
            // A closed content model: a field added to a record is then a compatible change a registry can prove.
            if (schema is JsonObject { } node && node.ContainsKey("properties"))
                node["additionalProperties"] = false;
            return schema;
        },
    };

    public static JsonObject Generate(EventDefinition definition)
    {
        var schema = SchemaOf(typeof(EventEnvelope<>).MakeGenericType(RecordOf(definition)));
        var properties = schema["properties"]!.AsObject();
        // An envelope always has data; the exporter cannot tell from the open generic parameter.
        properties["data"]!["type"] = "object";
        properties["event_type"] = new JsonObject { ["const"] = definition.Type };
        properties["version"] = new JsonObject { ["const"] = definition.Version };

        var document = new JsonObject
        {
            ["$schema"] = Draft,
            ["$id"] = definition.SchemaId,
            ["title"] = $"{definition.Type} {definition.Version}",
            ["description"] = $"{definition.Summary} On {definition.Topic}.",
        };
        foreach (var (name, value) in schema.ToList())
        {
            schema.Remove(name);
            document[name] = value;
        }
        return document;
    }

    /// <summary>The schema of <paramref name="type"/> as the wire writes it (what each event's data is generated with).</summary>
    public static JsonObject SchemaOf(Type type) => Options.GetJsonSchemaAsNode(type, ExporterOptions).AsObject();
}
