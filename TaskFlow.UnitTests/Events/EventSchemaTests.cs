using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Events;

/// <summary>Each event serializes to exactly the seed's shape (the original system's event schemas), plus the additive event_id.</summary>
public sealed class EventSchemaTests
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.Parse("2025-01-16T10:00:00Z"));

    /// <summary>The seed's fields in the seed's order; the fields after status (tags, due, reminder, recurrence) are additive and come after them.</summary>
    [Fact]
    public void Task_created_serializes_to_the_seed_shape()
    {
        var envelope = EventEnvelope.Create(TaskEventTypes.Created,
            new TaskCreatedData(
                TaskId: 123,
                UserId: "user-uuid",
                Title: "Task title",
                Description: "Task description",
                Priority: TaskEventPriority.High,
                Category: "work",
                DueDate: new DateOnly(2025, 1, 20),
                Status: TaskEventStatus.Pending,
                Tags: ["q1", "report"],
                DueAt: DateTimeOffset.Parse("2025-01-20T09:00:00+01:00"),
                TimeZone: "Europe/Berlin",
                RemindAt: DateTimeOffset.Parse("2025-01-20T07:45:00Z"),
                RemindBefore: "PT15M",
                Recurrence: "FREQ=WEEKLY",
                SeriesId: Guid.Parse("0192f0c4-0000-7000-8000-000000000001"),
                Occurrence: 1) { ListId = 5, ActorId = "user-uuid" },
            Clock);

        AssertJson($$"""
            {
              "event_id": "{{envelope.EventId}}",
              "event_type": "task.created",
              "version": "1.0",
              "timestamp": "2025-01-16T10:00:00Z",
              "data": {
                "task_id": 123,
                "user_id": "user-uuid",
                "title": "Task title",
                "description": "Task description",
                "priority": "high",
                "category": "work",
                "due_date": "2025-01-20",
                "status": "pending",
                "tags": ["q1", "report"],
                "due_at": "2025-01-20T08:00:00Z",
                "time_zone": "Europe/Berlin",
                "remind_at": "2025-01-20T07:45:00Z",
                "remind_before": "PT15M",
                "recurrence": "FREQ=WEEKLY",
                "series_id": "0192f0c4-0000-7000-8000-000000000001",
                "occurrence": 1,
                "pinned": false,
                "assignee_id": null,
                "list_id": 5,
                "actor_id": "user-uuid"
              }
            }
            """, EventJson.SerializeToUtf8Bytes(envelope));
    }

    [Fact]
    public void Task_updated_serializes_changes_as_old_and_new_per_field()
    {
        var envelope = EventEnvelope.Create(TaskEventTypes.Updated,
            new TaskUpdatedData(123, "user-uuid", new Dictionary<string, FieldChange>
            {
                ["status"] = new("pending", "completed"),
                ["priority"] = new("medium", "high"),
            }) { ListId = 5, ActorId = "other-user-uuid", Title = "Task title" },
            Clock);

        AssertJson($$"""
            {
              "event_id": "{{envelope.EventId}}",
              "event_type": "task.updated",
              "version": "1.0",
              "timestamp": "2025-01-16T10:00:00Z",
              "data": {
                "task_id": 123,
                "user_id": "user-uuid",
                "changes": {
                  "status": {"old": "pending", "new": "completed"},
                  "priority": {"old": "medium", "new": "high"}
                },
                "title": "Task title",
                "list_id": 5,
                "actor_id": "other-user-uuid"
              }
            }
            """, EventJson.SerializeToUtf8Bytes(envelope));
    }

    [Fact]
    public void Task_deleted_serializes_to_the_seed_shape()
    {
        var envelope = EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(123, "user-uuid") { ListId = 5, ActorId = "user-uuid" }, Clock);

        AssertJson($$"""
            {
              "event_id": "{{envelope.EventId}}",
              "event_type": "task.deleted",
              "version": "1.0",
              "timestamp": "2025-01-16T10:00:00Z",
              "data": { "task_id": 123, "user_id": "user-uuid", "list_id": 5, "actor_id": "user-uuid" }
            }
            """, EventJson.SerializeToUtf8Bytes(envelope));
    }

    [Fact]
    public void Timestamps_are_utc_with_a_Z_whatever_offset_the_clock_reports()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-16T12:30:00.250+02:00"));
        var envelope = EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(1, "u"), clock);

        var json = JsonNode.Parse(EventJson.SerializeToUtf8Bytes(envelope))!;

        Assert.Equal("2025-01-16T10:30:00.25Z", json["timestamp"]!.GetValue<string>());
    }

    [Fact]
    public void An_envelope_reads_back_with_its_data_intact()
    {
        var original = EventEnvelope.Create(TaskEventTypes.Deleted, new TaskDeletedData(7, "someone"), Clock);

        var parsed = EventEnvelope.Parse(EventJson.SerializeToUtf8Bytes(original));

        Assert.Equal(original.EventId, parsed.EventId);
        Assert.Equal(original.Timestamp, parsed.Timestamp);
        Assert.Equal(new TaskDeletedData(7, "someone"), EventCatalog.ReadData(parsed));
    }

    [Theory]
    [InlineData("""{"event_type":"task.created","data":{}}""")]
    [InlineData("""{"event_id":"5f1c3c4e-0000-0000-0000-000000000001","data":{}}""")]
    [InlineData("""{"event_id":"5f1c3c4e-0000-0000-0000-000000000001","event_type":"task.created","version":"1.0","timestamp":"yesterday","data":{}}""")]
    [InlineData("""not json""")]
    [InlineData("""null""")]
    public void A_message_that_is_not_an_envelope_is_rejected(string payload)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => EventEnvelope.Parse(System.Text.Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>Same fields, same values, same order as the seed writes them.</summary>
    private static void AssertJson(string expected, byte[] actual)
    {
        var expectedText = JsonNode.Parse(expected)!.ToJsonString();
        var actualText = JsonNode.Parse(actual)!.ToJsonString();
        Assert.Equal(expectedText, actualText);
    }
}
