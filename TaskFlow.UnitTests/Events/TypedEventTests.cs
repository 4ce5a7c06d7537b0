using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Time.Testing;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.UnitTests.Events.Contracts;

namespace TaskFlow.UnitTests.Events;

/// <summary>
/// From the catalog to the record: every event names the record its data is read into, what producers write reads back
/// into it (and is what its committed schema describes), and what does not fit is refused with a reason.
/// </summary>
public sealed class TypedEventTests
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.Parse("2026-11-30T10:00:00Z"));

    /// <summary>One event of each record the catalog names, every field set (so a field lost on the way shows).</summary>
    private static readonly Dictionary<Type, object> Samples = new()
    {
        [typeof(TaskCreatedData)] = new TaskCreatedData(7, "user-7", "Plan the offsite", "All of it", TaskEventPriority.High, "work",
            new DateOnly(2030, 1, 7), TaskEventStatus.InProgress, ["q1", "team"], DateTimeOffset.Parse("2030-01-07T08:00:00Z"), "Europe/Berlin",
            DateTimeOffset.Parse("2030-01-07T07:45:00Z"), "PT15M", "FREQ=WEEKLY", Guid.Parse("0192f0c4-0000-7000-8000-000000000001"), 3, Pinned: true,
            AssigneeId: "user-8") { ListId = 12, ActorId = "user-9" },
        [typeof(TaskUpdatedData)] = new TaskUpdatedData(7, "user-7", new Dictionary<string, FieldChange>
        {
            ["status"] = new("pending", "completed"),
            ["due_at"] = new(null, "2030-01-07T08:00:00Z"),
        }) { ListId = 12, ActorId = "user-9", Title = "Plan the offsite" },
        [typeof(TaskDeletedData)] = new TaskDeletedData(7, "user-7") { ListId = 12, ActorId = "user-9" },
        [typeof(ListChangedData)] = new ListChangedData(ListId: 12, Name: "Groceries", Color: "#16a34a", OwnerId: "user-7", IsInbox: false, ActorId: "user-9"),
        [typeof(ListDeletedData)] = new ListDeletedData(ListId: 12, ActorId: "user-7"),
        [typeof(ListMemberJoinedData)] = new ListMemberJoinedData(ListId: 12, UserId: "user-8", Role: ListEventRole.Viewer, ActorId: "user-8"),
        [typeof(ListMemberRemovedData)] = new ListMemberRemovedData(ListId: 12, UserId: "user-8", ActorId: "user-7"),
        [typeof(ListInvitationCreatedData)] = new ListInvitationCreatedData(InvitationId: Guid.Parse("0192f0c4-0000-7000-8000-000000000003"),
            UserId: "user-8", ListId: 12, ListName: "Groceries", Role: ListEventRole.Editor, InvitedBy: "user-7"),
        [typeof(ReminderDueData)] = new ReminderDueData(7, "user-7", "Plan the offsite", DateTimeOffset.Parse("2030-01-07T08:00:00Z"),
            DateTimeOffset.Parse("2030-01-07T07:45:00Z"), DateTimeOffset.Parse("2030-01-07T07:45:00.125Z")),
        [typeof(NotificationCreatedData)] = new NotificationCreatedData(Guid.Parse("0192f0c4-0000-7000-8000-000000000002"), "user-7", 7,
            "Plan the offsite", "Reminder: \"Plan the offsite\".", null, DateTimeOffset.Parse("2030-01-07T07:45:00Z"), DateTimeOffset.Parse("2030-01-07T07:45:01Z")),
    };

    public static TheoryData<string, string> EventsWithRecords =>
        new(EventCatalog.Events.Where(e => e.DataType is not null).Select(e => (e.Type, e.Version)));

    [Fact]
    public void Every_event_of_the_catalog_names_its_data_record_and_only_the_Api_s_own_live_updates_leave_it_to_the_Api()
    {
        Assert.All(EventCatalog.Events, definition =>
        {
            Assert.NotNull(EventSchemas.RecordOf(definition));
            if (definition.DataType is null)
                Assert.True(definition is { Topic: Topics.TaskUpdates, Senders: [EventCatalog.Api], Receivers: [EventCatalog.Api] },
                    $"{definition.Type} {definition.Version} names no record, though services other than the Api send or read it");
        });
    }

    [Theory]
    [MemberData(nameof(EventsWithRecords))]
    public void What_a_producer_writes_fits_the_committed_schema_and_reads_back_into_the_record(string type, string version)
    {
        var definition = EventCatalog.Events.Single(e => e.Type == type && e.Version == version);
        Assert.True(Samples.TryGetValue(definition.DataType!, out var data), $"{nameof(Samples)} has no {definition.DataType!.Name}: add one");
        var envelope = EventEnvelope.Create(type, data, Clock);
        var message = JsonSerializer.SerializeToUtf8Bytes(envelope, EventJson.Options);

        var schema = JsonSchema.FromText(File.ReadAllText(Repository.PathOf(definition.SchemaPath)));
        var result = schema.Evaluate(JsonNode.Parse(message), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var read = ConsumedEvent.Read(definition.Topic, 0, 0, null, message);

        Assert.True(result.IsValid, string.Join("; ", result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        Assert.IsType(definition.DataType!, read.Data);
        Assert.Equal(JsonSerializer.Serialize(data, definition.DataType!, EventJson.Options), JsonSerializer.Serialize(read.Data, definition.DataType!, EventJson.Options));
    }

    [Fact]
    public void Statuses_and_priorities_are_enums_on_the_wire_as_the_seed_writes_them()
    {
        var data = (TaskCreatedData)Read(TaskEventTypes.Created, "1.0", CreatedData(status: "in_progress", priority: "low"));

        Assert.Equal(TaskEventStatus.InProgress, data.Status);
        Assert.Equal(TaskEventPriority.Low, data.Priority);
        Assert.Equal("in_progress", JsonSerializer.SerializeToNode(data, EventJson.Options)!["status"]!.GetValue<string>());
    }

    [Fact]
    public void A_field_added_with_a_default_after_1_0_may_be_missing_from_older_events()
    {
        var data = CreatedData();
        data.Remove("pinned");

        Assert.False(((TaskCreatedData)Read(TaskEventTypes.Created, "1.0", data)).Pinned);
    }

    [Theory]
    [InlineData(TaskEventTypes.Deleted, "2.0", "task.deleted {0} has version '2.0', which this service does not read (it reads 1.0)")]
    [InlineData("task.archived", "1.0", "task.archived {0} has version '1.0', which this service does not read (it reads no version of task.archived)")]
    [InlineData(TaskUpdateTypes.Changed, "1.0", "task.changed {0} has version '1.0', which this service does not read (it reads no version of task.changed)")]
    public void An_event_without_a_record_for_its_type_and_version_is_refused_saying_so(string type, string version, string message)
    {
        var envelope = Envelope(type, version, new JsonObject { ["task_id"] = 1, ["user_id"] = "u" });

        var error = Assert.Throws<UnsupportedEventVersionException>(() => ConsumedEvent.Read(Topics.TaskEvents, 0, 0, null, envelope));

        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, EventIdOf(envelope)), error.Message);
    }

    public static TheoryData<string, string, string> DataThatDoesNotFit => new()
    {
        { TaskEventTypes.Deleted, """{"task_id":1}""", "user_id" },
        { TaskEventTypes.Deleted, """{"task_id":1,"user_id":null}""", "user_id" },
        { TaskEventTypes.Deleted, """{"task_id":"one","user_id":"u"}""", "task_id" },
        { TaskEventTypes.Deleted, """[1,"u"]""", "TaskDeletedData" },
        { TaskEventTypes.Updated, """{"task_id":1,"user_id":"u"}""", "changes" },
        { TaskEventTypes.Updated, """{"task_id":1,"user_id":"u","changes":{"status":{"old":"pending"}}}""", "new" },
        { TaskEventTypes.Created, CreatedData(status: "done").ToJsonString(), "status" },
        { TaskEventTypes.Created, WithField(CreatedData(), "priority", 2), "priority" },
        { TaskEventTypes.Created, WithField(CreatedData(), "title", null), "title" },
        { TaskEventTypes.Created, WithField(CreatedData(), "due_at", "next tuesday"), "due_at" },
        { ReminderEventTypes.Due, """{"task_id":1,"user_id":"u","title":"t","due_at":null,"remind_at":"2030-01-07T07:45:00Z"}""", "fired_at" },
    };

    [Theory]
    [MemberData(nameof(DataThatDoesNotFit))]
    public void Data_that_does_not_fit_its_record_is_refused_naming_the_record_and_the_field(string type, string data, string field)
    {
        var envelope = Envelope(type, "1.0", JsonNode.Parse(data));

        var error = Assert.ThrowsAny<JsonException>(() => ConsumedEvent.Read(Topics.TaskEvents, 0, 0, null, envelope));

        Assert.IsNotType<UnsupportedEventVersionException>(error);
        var record = EventCatalog.Events.Single(e => e.Type == type).DataType!.Name;
        Assert.StartsWith($"The data of {type} {EventIdOf(envelope)} is no {record}: ", error.Message);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    private static object Read(string type, string version, JsonNode data) =>
        ConsumedEvent.Read(Topics.TaskEvents, 0, 0, null, Envelope(type, version, data)).Data;

    private static byte[] Envelope(string type, string version, JsonNode? data) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["event_id"] = Guid.CreateVersion7().ToString(),
        ["event_type"] = type,
        ["version"] = version,
        ["timestamp"] = "2026-11-30T10:00:00Z",
        ["data"] = data,
    }.ToJsonString());

    private static string EventIdOf(byte[] envelope) => JsonNode.Parse(envelope)!["event_id"]!.GetValue<string>();

    /// <summary>task.created's data as the Api writes it, with the given status and priority as written.</summary>
    private static JsonObject CreatedData(string status = "pending", string priority = "medium")
    {
        var data = JsonSerializer.SerializeToNode(Samples[typeof(TaskCreatedData)], EventJson.Options)!.AsObject();
        data["status"] = status;
        data["priority"] = priority;
        return data;
    }

    private static string WithField(JsonObject data, string name, JsonNode? value)
    {
        data[name] = value;
        return data.ToJsonString();
    }
}
