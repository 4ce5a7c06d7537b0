using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace TaskFlow.IntegrationTests.Clients;

/// <summary>One record of a topic: key, headers, the envelope, and where it sits.</summary>
public sealed record BrokerMessage(string Key, Dictionary<string, string> Headers, JsonObject Json, int Partition, long Offset);

/// <summary>Reads topics of the broker with a plain Kafka client, as any other program would.</summary>
public sealed class TopicReader(string bootstrapServers)
{
    /// <summary>The task's envelopes on task-events, in partition order.</summary>
    public List<BrokerMessage> ReadTaskEvents(int taskId, int expected, TimeSpan timeout)
    {
        var found = ReadTopic("task-events", json => json["data"]?["task_id"]?.GetValue<int>() == taskId, found => found.Count >= expected, timeout);
        Assert.True(found.Count == expected, $"found {found.Count} of {expected} events for task {taskId} on task-events");
        return found;
    }

    /// <summary>
    /// Reads <paramref name="topic"/> from the beginning, keeping the envelopes that <paramref name="matches"/>, until
    /// <paramref name="done"/> says so or <paramref name="timeout"/> passes.
    /// </summary>
    public List<BrokerMessage> ReadTopic(string topic, Func<JsonObject, bool> matches, Func<List<BrokerMessage>, bool> done, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;

        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "tests-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));

        var found = new List<BrokerMessage>();
        var deadline = DateTime.UtcNow + timeout;
        while (!done(found) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null) continue;
            // A test may park a message that is not JSON on purpose (one no consumer can read): not what anyone looks for.
            if (ParseObject(result.Message.Value) is not { } value) continue;
            // The Dapr transport wraps the envelope in a CloudEvent.
            var json = value.ContainsKey("specversion") ? value["data"]!.AsObject() : value;
            if (!matches(json)) continue;
            var headers = result.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
            found.Add(new BrokerMessage(result.Message.Key, headers, json, result.Partition.Value, result.Offset.Value));
        }
        consumer.Close();
        return found;
    }

    private static JsonObject? ParseObject(byte[] utf8)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
