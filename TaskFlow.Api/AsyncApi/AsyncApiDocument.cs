using System.Text.Json.Nodes;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Publishing;
using TaskFlow.Messaging.Schemas;

namespace TaskFlow.Api.AsyncApi;

/// <summary>
/// The AsyncAPI 3.0 document of TaskFlow's events, built from the same catalogs the services run on: the topics
/// (<see cref="Topics.Catalog"/>: partitions, retention, key), the events (<see cref="EventCatalog"/>: who sends and
/// who receives them) and their committed JSON Schemas (<see cref="EventSchemaDocuments"/>).
/// </summary>
public static class AsyncApiDocument
{
    private const string KafkaBindingVersion = "0.5.0";

    /// <param name="kafkaBootstrap">The broker the services use (ConnectionStrings:kafka), shown as the Kafka server.</param>
    public static JsonObject Create(string? kafkaBootstrap)
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        foreach (var topic in Topics.Catalog)
        {
            var events = EventCatalog.On(topic.Name).ToList();
            var channelMessages = new JsonObject();
            foreach (var definition in events)
            {
                messages[MessageId(definition)] = Message(definition, topic);
                channelMessages[MessageId(definition)] = Ref($"#/components/messages/{MessageId(definition)}");
            }
            channels[topic.Name] = new JsonObject
            {
                ["address"] = topic.Name,
                ["title"] = topic.Name,
                ["description"] = $"Key: {topic.Key}, so the events of one {topic.Key.Replace("_id", "", StringComparison.Ordinal)} stay in order. " +
                    $"{topic.Partitions} partitions, kept {Describe(topic.Retention)}. A message a consumer cannot handle goes to {topic.DeadLetterName}.",
                ["messages"] = channelMessages,
                ["bindings"] = new JsonObject
                {
                    ["kafka"] = new JsonObject
                    {
                        ["topic"] = topic.Name,
                        ["partitions"] = topic.Partitions,
                        ["topicConfiguration"] = new JsonObject
                        {
                            ["cleanup.policy"] = new JsonArray("delete"),
                            ["retention.ms"] = (long)topic.Retention.TotalMilliseconds,
                        },
                        ["bindingVersion"] = KafkaBindingVersion,
                    },
                },
            };

            foreach (var (service, action) in events.SelectMany(e => e.Senders.Select(s => (s, "send"))).Concat(events.SelectMany(e => e.Receivers.Select(r => (r, "receive")))).Distinct())
            {
                var handled = events.Where(e => (action == "send" ? e.Senders : e.Receivers).Contains(service)).ToList();
                operations[$"{service}.{action}.{topic.Name}"] = new JsonObject
                {
                    ["action"] = action,
                    ["channel"] = Ref($"#/channels/{topic.Name}"),
                    ["title"] = $"{service} {(action == "send" ? "sends to" : "receives from")} {topic.Name}",
                    ["summary"] = $"{string.Join(", ", handled.Select(e => e.Type))}, through the Kafka transport or the service's Dapr sidecar.",
                    ["messages"] = new JsonArray([.. handled.Select(e => (JsonNode)Ref($"#/channels/{topic.Name}/messages/{MessageId(e)}"))]),
                };
            }
        }

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "TaskFlow events",
                ["version"] = EventEnvelope.CurrentVersion,
                ["description"] = "Every change to a task becomes an event; the workers react with audit history, reminders, " +
                    "notifications and recurring tasks, and every client gets live updates. Each message is a JSON envelope " +
                    "(event_id, event_type, version, timestamp, data); its JSON Schema is under schemas/events/ in the repository.",
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                ["kafka"] = new JsonObject
                {
                    ["host"] = string.IsNullOrWhiteSpace(kafkaBootstrap) ? "localhost:19092" : kafkaBootstrap,
                    ["protocol"] = "kafka",
                    ["description"] = "The Kafka-protocol broker (Redpanda, or the dev broker on a laptop): the Kafka transport.",
                },
                ["dapr"] = new JsonObject
                {
                    ["host"] = $"localhost:{DaprSidecar.DefaultHttpPort}",
                    ["pathname"] = $"/v1.0/publish/{DaprSidecar.PubSubName}",
                    ["protocol"] = "http",
                    ["description"] = $"Each service's Dapr sidecar (Messaging:Transport=dapr): the {DaprSidecar.PubSubName} pub/sub " +
                        $"component on the same broker and topics; the sidecar delivers each event as a CloudEvent to {DaprSubscriptionEndpoints.RoutePrefix}{{topic}}.",
                },
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject
            {
                ["messages"] = messages,
                ["schemas"] = new JsonObject { ["headers"] = Headers() },
            },
        };
    }

    private static string MessageId(EventDefinition definition) => $"{definition.Type}_v{definition.Version}";

    private static JsonObject Message(EventDefinition definition, TopicDefinition topic)
    {
        // AsyncAPI's default schema format is draft-07 based; the schemas use no keyword it lacks, only the
        // $schema line says 2020-12.
        var payload = EventSchemaDocuments.Of(definition);
        payload.Remove("$schema");
        return new JsonObject
        {
            ["name"] = definition.Type,
            ["title"] = $"{definition.Type} {definition.Version}",
            ["summary"] = definition.Summary,
            ["description"] = $"Sent by {string.Join(", ", definition.Senders)}; received by {string.Join(", ", definition.Receivers)}.",
            ["contentType"] = "application/json",
            ["headers"] = Ref("#/components/schemas/headers"),
            ["payload"] = payload,
            ["bindings"] = new JsonObject
            {
                ["kafka"] = new JsonObject
                {
                    ["key"] = new JsonObject { ["type"] = "string", ["description"] = $"The event's {topic.Key}." },
                    ["bindingVersion"] = KafkaBindingVersion,
                },
            },
        };
    }

    private static JsonObject Headers() => new()
    {
        ["type"] = "object",
        ["description"] = "Kafka record headers on every event: the Kafka transport writes them, the Dapr transport has its sidecar write them (publish metadata) and carries the trace in the CloudEvent.",
        ["properties"] = new JsonObject
        {
            [EventHeaders.EventId] = new JsonObject { ["type"] = "string", ["format"] = "uuid", ["description"] = "The envelope's event_id: consumers skip an id they have handled." },
            [EventHeaders.EventType] = new JsonObject { ["type"] = "string", ["description"] = "The envelope's event_type, readable without parsing the value." },
            [EventHeaders.TraceParent] = new JsonObject { ["type"] = "string", ["pattern"] = "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", ["description"] = "W3C trace context of the change that caused the event." },
        },
        ["required"] = new JsonArray(EventHeaders.EventId, EventHeaders.EventType),
    };

    private static JsonObject Ref(string pointer) => new() { ["$ref"] = pointer };

    private static string Describe(TimeSpan retention) =>
        retention.TotalDays >= 1 ? $"{retention.TotalDays:0} day{(retention.TotalDays == 1 ? "" : "s")}" : $"{retention.TotalHours:0} hour{(retention.TotalHours == 1 ? "" : "s")}";
}
