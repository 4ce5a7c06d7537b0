using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Json.Schema;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Kafka;

namespace TaskFlow.IntegrationTests.Events;

/// <summary>The committed schemas hold for what is really on the broker, and a version nobody reads is parked, not misread.</summary>
public sealed class EventContractBrokerTests(TaskFlowServices app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);

    private static readonly Dictionary<(string Type, string Version), JsonSchema> Schemas = EventCatalog.Events.ToDictionary(
        e => (e.Type, e.Version),
        e => JsonSchema.FromText(File.ReadAllText(Repository.PathOf(e.SchemaPath))));

    /// <summary>Marks an event a test writes by hand to stand for a sender nobody has (a future version): it is no claim about what the services send.</summary>
    private const string HandMadeHeader = "taskflow-test-hand-made";

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    [Fact]
    public async Task Every_event_on_every_topic_validates_against_the_schema_of_its_type_and_version()
    {
        // Something of every type for this user, on top of whatever the other tests have put on the topics.
        var user = await app.SignUpAsync();
        var remindAt = DateTimeOffset.UtcNow.AddSeconds(2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var taskId = (await user.CreateTaskAsync(new { title = "Contract", tags = new[] { "a" }, due_date = "2030-01-07", recurrence = "daily", remind_at = remindAt }))["task_id"]!.GetValue<int>();
        await user.PatchAsync($"/api/tasks/{taskId}", """{"title":"Contract, renamed","description":null}""");
        var deletedId = (await user.CreateTaskAsync(new { title = "Contract, deleted" }))["task_id"]!.GetValue<int>();
        await user.Http.DeleteAsync($"/api/tasks/{deletedId}");
        // A list's life: created, shared with someone who has an account, joined, left, deleted.
        var other = await app.SignUpAsync();
        var listId = await user.CreateListAsync("Contract list");
        var invitationId = await user.InviteAsync(listId, other.Email, "viewer");
        (await other.Http.PostAsync($"/api/invitations/{invitationId}/accept", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await other.Http.DeleteAsync($"/api/lists/{listId}/members/{await other.UserIdAsync()}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await user.Http.DeleteAsync($"/api/lists/{listId}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var seen = new Dictionary<string, List<BrokerMessage>>
        {
            [Messaging.Topics.TaskEvents] = app.ReadTopic(Messaging.Topics.TaskEvents, _ => true,
                found => found.Any(m => IsFor(m, "task.updated", taskId)) && found.Any(m => IsFor(m, "task.deleted", deletedId)), Wait),
            [Messaging.Topics.Reminders] = app.ReadTopic(Messaging.Topics.Reminders, _ => true, found => found.Any(m => IsFor(m, "reminder.due", taskId)), Wait),
            [Messaging.Topics.TaskUpdates] = app.ReadTopic(Messaging.Topics.TaskUpdates, _ => true,
                found => found.Any(m => IsFor(m, "task.changed", taskId)) && found.Any(m => IsFor(m, "task.removed", deletedId))
                    && found.Any(m => IsFor(m, "notification.created", taskId)) && found.Any(m => IsForList(m, ListEventTypes.Deleted, listId))
                    && found.Any(m => IsForList(m, ListEventTypes.InvitationCreated, listId)), Wait),
        };

        foreach (var messages in seen.Values) messages.RemoveAll(m => m.Headers.ContainsKey(HandMadeHeader));
        var all = seen.Values.SelectMany(m => m).ToList();
        Assert.All(EventCatalog.Events.Select(e => e.Type), type =>
            Assert.True(all.Any(m => IsFor(m, type, taskId) || IsFor(m, type, deletedId) || IsForList(m, type, listId)), $"no {type} of this test's tasks or list on the broker"));
        foreach (var (topic, messages) in seen)
        {
            foreach (var message in messages)
            {
                var key = (message.Json["event_type"]!.GetValue<string>(), message.Json["version"]!.GetValue<string>());
                Assert.True(Schemas.TryGetValue(key, out var schema), $"{key} on {topic} is no event of the catalog: {message.Json}");
                Assert.Contains(EventCatalog.Events, e => e.Type == key.Item1 && e.Topic == topic);
                var result = schema.Evaluate(message.Json, Evaluation);
                Assert.True(result.IsValid, $"{key} at {topic}/{message.Partition}@{message.Offset} does not match its schema: " +
                    string.Join("; ", result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))) + $"\n{message.Json}");
            }
        }
    }

    [Fact]
    public void Both_services_registered_every_topic_s_schema_in_the_registry_at_start()
    {
        foreach (var topic in Messaging.Topics.Catalog)
        {
            var subject = $"{topic.Name}-value";
            Assert.Single(app.SchemaRegistry.Subjects[subject]);
            // api and workers (and any replicas or restarts of them since) each registered it.
            Assert.True(app.SchemaRegistry.Registrations.Count(s => s == subject) >= 2, $"{subject} was registered fewer than twice");
        }
    }

    [Fact]
    public async Task An_event_of_a_version_no_reader_knows_is_dead_lettered_with_that_reason()
    {
        var eventId = Guid.NewGuid();
        var envelope = new JsonObject
        {
            ["event_id"] = eventId.ToString(),
            ["event_type"] = TaskEventTypes.Created,
            ["version"] = "2.0",
            ["timestamp"] = "2026-11-30T10:00:00Z",
            ["data"] = new JsonObject { ["task_id"] = 1, ["name"] = "a field 1.0 does not have" },
        };
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap }).Build())
        {
            await producer.ProduceAsync(Messaging.Topics.TaskEvents, new Message<string, byte[]>
            {
                Key = "1", Value = Encoding.UTF8.GetBytes(envelope.ToJsonString()),
                Headers = new Headers { { HandMadeHeader, Encoding.UTF8.GetBytes("version 2.0, which no service sends") } },
            });
        }

        var parked = app.ReadTopic(Messaging.Topics.DeadLetterOf(Messaging.Topics.TaskEvents), json => json["event_id"]?.GetValue<string>() == eventId.ToString(),
            found => found.Count >= 1, Wait);

        var reason = parked[0].Headers[DeadLetterHeaders.Error];
        Assert.Contains("has version '2.0', which this service does not read (it reads 1.0)", reason);
    }

    private static bool IsForList(BrokerMessage message, string type, int listId) =>
        message.Json["event_type"]?.GetValue<string>() == type && message.Json["data"]?["list_id"]?.GetValue<int>() == listId;

    private static bool IsFor(BrokerMessage message, string type, int taskId) =>
        message.Json["event_type"]?.GetValue<string>() == type && message.Json["data"]?["task_id"]?.GetValue<int>() == taskId;
}
