using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.UnitTests.LiveUpdates;

/// <summary>Which user or list a <c>task-updates</c> message is for, and the envelope the client receives.</summary>
public sealed class KafkaLiveUpdateReadTests
{
    private static readonly Guid EventId = Guid.Parse("0193a5f0-0000-7000-8000-000000000001");

    [Fact]
    public void A_task_change_is_for_the_members_of_its_list()
    {
        var envelope = Envelope(new JsonObject { ["user_id"] = "ann", ["task_id"] = 7, ["list_id"] = 12 });

        Assert.Equal((new LiveRoute(TaskUpdateTypes.Changed, 12, "ann"), envelope), KafkaLiveUpdate.Read(Message("12", envelope)));
    }

    [Fact]
    public void A_task_change_from_before_lists_is_for_the_user_the_data_names_whatever_the_key()
    {
        var envelope = Envelope(new JsonObject { ["user_id"] = "ann", ["task_id"] = 7 });

        Assert.Equal((new LiveRoute(TaskUpdateTypes.Changed, null, "ann"), envelope), KafkaLiveUpdate.Read(Message("another-key", envelope)));
    }

    [Fact]
    public void Without_a_user_in_the_data_the_key_is_the_user()
    {
        var envelope = Envelope(new JsonObject { ["task_id"] = 7 });

        Assert.Equal((new LiveRoute(TaskUpdateTypes.Changed, null, "ann"), envelope), KafkaLiveUpdate.Read(Message("ann", envelope)));
    }

    [Fact]
    public void An_invitation_is_for_its_invitee_though_it_names_a_list()
    {
        var envelope = Envelope(new JsonObject { ["user_id"] = "bob", ["list_id"] = 12 }, ListEventTypes.InvitationCreated);

        Assert.Equal((new LiveRoute(ListEventTypes.InvitationCreated, null, "bob"), envelope), KafkaLiveUpdate.Read(Message("bob", envelope)));
    }

    [Fact]
    public void An_envelope_the_Dapr_transport_put_in_a_CloudEvent_reaches_the_client_bare()
    {
        var envelope = Envelope(new JsonObject { ["user_id"] = "ann" });
        var cloudEvent = Encoding.UTF8.GetString(CloudEvents.Wrap(EventId, TaskUpdateTypes.Changed, "api", Encoding.UTF8.GetBytes(envelope)));

        Assert.Equal((new LiveRoute(TaskUpdateTypes.Changed, null, "ann"), envelope), KafkaLiveUpdate.Read(Message("ann", cloudEvent)));
    }

    [Theory]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("not json")]
    public void A_message_that_is_no_envelope_is_for_nobody(string value) =>
        Assert.Null(KafkaLiveUpdate.Read(Message("ann", value)));

    private static string Envelope(JsonObject data, string type = TaskUpdateTypes.Changed) => new JsonObject
    {
        ["event_id"] = EventId.ToString(),
        ["event_type"] = type,
        ["version"] = EventEnvelope.CurrentVersion,
        ["timestamp"] = "2026-01-16T10:00:00Z",
        ["data"] = data,
    }.ToJsonString();

    private static ConsumeResult<string, byte[]> Message(string key, string value) =>
        new() { Message = new Message<string, byte[]> { Key = key, Value = Encoding.UTF8.GetBytes(value) } };
}
