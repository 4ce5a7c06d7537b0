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

    /// <summary>The record each event's <c>data</c> is; a catalog entry without one fails the contract tests.</summary>
    public static readonly IReadOnlyDictionary<(string Type, string Version), Type> DataTypes = new Dictionary<(string, string), Type>
    {
        [(TaskEventTypes.Created, "1.0")] = typeof(TaskCreatedData),
        [(TaskEventTypes.Updated, "1.0")] = typeof(TaskUpdatedData),
        [(TaskEventTypes.Deleted, "1.0")] = typeof(TaskDeletedData),
        [(ReminderEventTypes.Due, "1.0")] = typeof(ReminderDueData),
        [(TaskUpdateTypes.Changed, "1.0")] = typeof(TaskUpdateData),
        [(TaskUpdateTypes.Removed, "1.0")] = typeof(TaskUpdateData),
        [(NotificationEventTypes.Created, "1.0")] = typeof(NotificationCreatedData),
    };

    // The services' wire options, plus what a schema should say that serializing does not need: nullability from
    // the annotations, a constructor parameter without a default is required (producers always write it), and numbers
    // are numbers (readers also accept them quoted, the web defaults; producers never write them so).
    private static readonly JsonSerializerOptions Options = new(EventJson.Options)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    private static readonly JsonSchemaExporterOptions ExporterOptions = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (context, schema) =>
        {
            // The wire's timestamp converter is custom, so the exporter cannot see that it writes RFC 3339 UTC.
            var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
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
        if (!DataTypes.TryGetValue((definition.Type, definition.Version), out var dataType))
            throw new InvalidOperationException($"EventSchemas.DataTypes has no record for {definition.Type} {definition.Version}.");
        var schema = SchemaOf(typeof(EventEnvelope<>).MakeGenericType(dataType));
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
