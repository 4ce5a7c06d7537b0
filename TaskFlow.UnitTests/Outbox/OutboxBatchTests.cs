using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.UnitTests.Outbox;

/// <summary>Which rows of a relayed batch are marked published when a publish in the middle of it failed.</summary>
public sealed class OutboxBatchTests
{
    /// <summary>Each test row's event id, by the row's id: what the broker is seen to hold, in readable form.</summary>
    private static readonly ConcurrentDictionary<Guid, string> Labels = new();

    [Fact]
    public void A_failed_publish_leaves_it_and_every_later_message_of_its_key_unpublished()
    {
        // task 1: a1 a2 a3; task 2: b1 b2; the same key on another topic is another stream.
        var batch = new[] { Row(1, "1"), Row(2, "2"), Row(3, "1"), Row(4, "2"), Row(5, "1"), Row(6, "1", "task-updates") };
        var errors = new Exception?[] { null, null, new("broker refused a2"), null, null, null };

        var published = OutboxBatch.Publishable(batch, errors).Select(i => batch[i].Id);

        // a1 went before the failure; a2 failed; a3 was acknowledged but must wait to follow a2 on the retry.
        Assert.Equal([1L, 2, 4, 6], published);
    }

    /// <summary>
    /// With the Dapr transport, through a stand-in for the sidecar's publish endpoint that refuses one message once:
    /// the relay's passes (publish the batch, mark what <see cref="OutboxBatch.Publishable"/> allows, again) put each
    /// key's events on the broker in their order. (The Kafka transport gets the same from the idempotent producer: the
    /// broker refuses a partition's later messages while an earlier one is missing.)
    /// </summary>
    [Fact]
    public async Task Across_a_failed_publish_each_keys_events_reach_the_broker_in_order()
    {
        var outbox = new List<OutboxMessage> { Row(1, "1"), Row(2, "2"), Row(3, "1"), Row(4, "1"), Row(5, "2") };
        var sidecar = new FlakySidecar(refuseOnce: outbox[2].EventId);
        var publisher = new DaprEventPublisher(new SingleClientFactory(new HttpClient(sidecar) { BaseAddress = new Uri("http://sidecar") }),
            new HostingEnvironment { ApplicationName = "tests" });

        for (var pass = 0; outbox.Count > 0; pass++)
        {
            Assert.True(pass < 5, "the outbox did not drain");
            var errors = await publisher.PublishBatchAsync(outbox.Select(m => m.ToOutgoing()).ToList(), TestContext.Current.CancellationToken);
            var published = OutboxBatch.Publishable(outbox, errors).Select(i => outbox[i]).ToHashSet();
            outbox.RemoveAll(published.Contains);
        }

        var accepted = sidecar.Accepted.ToList();
        Assert.Equal(["1", "3", "4"], accepted.Where(m => m.Key == "1").Select(m => m.Label).Distinct());
        Assert.Equal(["2", "5"], accepted.Where(m => m.Key == "2").Select(m => m.Label).Distinct());
    }

    private sealed class FlakySidecar(Guid refuseOnce) : HttpMessageHandler
    {
        private readonly Lock _gate = new();
        private bool _refused;

        public ConcurrentQueue<(string Key, string Label)> Accepted { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            var eventId = Guid.Parse(query["metadata.event_id"]!);
            lock (_gate)
            {
                if (eventId == refuseOnce && !_refused)
                {
                    _refused = true;
                    return Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError));
                }
            }
            Accepted.Enqueue((query["metadata.partitionKey"]!, Labels[eventId]));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }

    private sealed class SingleClientFactory(HttpClient client) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => client;
    }

    private sealed class HostingEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public required string ApplicationName { get; set; }
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static OutboxMessage Row(long id, string key, string topic = "task-events")
    {
        var eventId = Guid.NewGuid();
        Labels[eventId] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new OutboxMessage
        {
            Id = id,
            Topic = topic,
            Key = key,
            EventId = eventId,
            EventType = "task.updated",
            Payload = "{}",
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
    }
}
