using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Dapr;

/// <summary>
/// The Workers' Dapr subscription endpoints, driven the way daprd drives them, without daprd: the catalog it reads
/// at start-up, and CloudEvents posted in structured mode with the headers daprd adds from the Kafka record.
/// The endpoints are mapped whatever the transport, so the shared (Kafka transport) app serves.
/// </summary>
public sealed class DaprSubscriptionContractTests(TaskFlowServices app)
{
    private static readonly TimeSpan AuditWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_subscription_catalog_has_one_route_per_topic_with_its_dead_letter_topic()
    {
        using var sidecar = await SidecarAsync();

        var catalog = await sidecar.GetFromJsonAsync<JsonArray>("/dapr/subscribe");

        var expected = JsonNode.Parse("""
            [{"pubsubname":"pubsub-kafka","topic":"task-events","route":"/dapr/events/task-events","deadLetterTopic":"task-events.dlq"},
             {"pubsubname":"pubsub-kafka","topic":"reminders","route":"/dapr/events/reminders","deadLetterTopic":"reminders.dlq"}]
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, catalog), $"unexpected catalog: {catalog}");
    }

    [Fact]
    public async Task Only_the_sidecar_holding_the_app_token_may_deliver()
    {
        using var stranger = app.CreateWorkersClient();

        var response = await stranger.PostAsync("/dapr/events/task-events", DaprDelivery(NewEnvelope("task.updated", new JsonObject()), partition: 0, offset: 0));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_event_delivered_by_the_sidecar_is_audited_like_one_from_kafka_and_a_redelivery_changes_nothing()
    {
        var user = await app.SignUpAsync();
        var taskId = (await user.CreateTaskAsync(new { title = "Through the sidecar" }))["task_id"]!.GetValue<int>();
        await user.WaitForHistoryAsync(taskId, 1, AuditWait);
        var created = app.ReadTaskEvents(taskId, expected: 1, AuditWait).Single();
        var userId = created.Json["data"]!["user_id"]!.GetValue<string>();
        var updated = NewEnvelope("task.updated", new JsonObject
        {
            ["task_id"] = taskId,
            ["user_id"] = userId,
            ["changes"] = new JsonObject { ["title"] = new JsonObject { ["old"] = "Through the sidecar", ["new"] = "Delivered by Dapr" } },
        });
        using var sidecar = await SidecarAsync();

        var first = await DeliverAsync(sidecar, updated, created.Partition, created.Offset + 1);
        var history = await user.WaitForHistoryAsync(taskId, 2, AuditWait);
        var redelivery = await DeliverAsync(sidecar, updated, created.Partition, created.Offset + 1);
        var original = await DeliverAsync(sidecar, created.Json, created.Partition, created.Offset);

        Assert.Equal("SUCCESS", first);
        Assert.Equal(["task.created", "task.updated"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        Assert.Equal(updated["event_id"]!.GetValue<string>(), history[1]!["event_id"]!.GetValue<string>());
        Assert.Equal("Delivered by Dapr", history[1]!["changes"]!["title"]!["new"]!.GetValue<string>());
        Assert.Equal("SUCCESS", redelivery);
        Assert.Equal("SUCCESS", original);
        Assert.Equal(2, (await user.Http.GetFromJsonAsync<JsonArray>($"/api/tasks/{taskId}/history"))!.Count);
    }

    [Fact]
    public async Task A_delivery_that_is_not_an_event_envelope_is_dropped()
    {
        using var sidecar = await SidecarAsync();

        var status = await DeliverAsync(sidecar, new JsonObject { ["hello"] = "world" }, partition: 2, offset: 0);

        Assert.Equal("DROP", status);
    }

    [Fact]
    public async Task An_event_whose_data_does_not_fit_its_record_is_dropped()
    {
        using var sidecar = await SidecarAsync();
        var withoutTaskId = NewEnvelope("task.updated", new JsonObject { ["user_id"] = "someone", ["changes"] = new JsonObject() });

        var status = await DeliverAsync(sidecar, withoutTaskId, partition: 1, offset: 0);

        Assert.Equal("DROP", status);
    }

    [Fact]
    public async Task An_event_its_handler_fails_on_is_answered_with_retry()
    {
        using var sidecar = await SidecarAsync();
        // A well-formed event the audit cannot store: Postgres text holds no NUL character.
        var unstorable = NewEnvelope("task.updated", new JsonObject { ["task_id"] = 1, ["user_id"] = "nul\u0000", ["changes"] = new JsonObject() });

        var status = await DeliverAsync(sidecar, unstorable, partition: 1, offset: 0);

        Assert.Equal("RETRY", status);
    }

    /// <summary>A client for the Workers that presents the app token, as a sidecar started by the AppHost does.</summary>
    private async Task<HttpClient> SidecarAsync()
    {
        var http = app.CreateWorkersClient();
        http.DefaultRequestHeaders.Add("dapr-api-token", await app.InternalApiKeyAsync());
        return http;
    }

    internal static async Task<string> DeliverAsync(HttpClient sidecar, JsonObject envelope, int partition, long offset)
    {
        var response = await sidecar.PostAsync("/dapr/events/task-events", DaprDelivery(envelope, partition, offset));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"delivery answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["status"]!.GetValue<string>();
    }

    internal static JsonObject NewEnvelope(string eventType, JsonObject data) => new()
    {
        ["event_id"] = Guid.CreateVersion7().ToString(),
        ["event_type"] = eventType,
        ["version"] = "1.0",
        ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["data"] = data,
    };

    /// <summary>
    /// What daprd posts for a record the Dapr transport published: the CloudEvent from the topic with the fields
    /// daprd fills in, and as headers the record's metadata (<c>__key</c>, <c>__partition</c>, ...) and Kafka headers.
    /// </summary>
    internal static StringContent DaprDelivery(JsonObject envelope, int partition, long offset)
    {
        var eventId = envelope["event_id"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
        var eventType = envelope["event_type"]?.GetValue<string>() ?? "unknown";
        var taskId = envelope["data"]?["task_id"]?.ToJsonString() ?? "0";
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var cloudEvent = new JsonObject
        {
            ["data"] = envelope.DeepClone(),
            ["datacontenttype"] = "application/json",
            ["id"] = eventId,
            ["pubsubname"] = "pubsub-kafka",
            ["source"] = "api",
            ["specversion"] = "1.0",
            ["time"] = DateTime.UtcNow.ToString("O"),
            ["topic"] = "task-events",
            ["traceid"] = traceParent,
            ["traceparent"] = traceParent,
            ["tracestate"] = "",
            ["type"] = eventType,
        };
        var content = new StringContent(cloudEvent.ToJsonString(), Encoding.UTF8, "application/cloudevents+json");
        content.Headers.ContentType!.CharSet = null;
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["__key"] = taskId,
            ["__topic"] = "task-events",
            ["__partition"] = partition.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["__offset"] = offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["__timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["partitionKey"] = taskId,
            ["event_id"] = eventId,
            ["event_type"] = eventType,
            ["pubsubName"] = "pubsub-kafka",
            ["traceparent"] = traceParent,
        })
        {
            content.Headers.TryAddWithoutValidation(name, value);
        }
        return content;
    }
}
