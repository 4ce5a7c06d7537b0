using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Publishing;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Messaging.Dapr;

/// <summary>
/// Publishes through the sidecar's HTTP API to the <c>pubsub-kafka</c> component: the envelope inside a
/// structured CloudEvent; <c>partitionKey</c> becomes the Kafka key (task_id / user_id, as with the Kafka
/// transport) and the other metadata become the same Kafka headers (<c>event_id</c>, <c>event_type</c>).
/// </summary>
public sealed class DaprEventPublisher(IHttpClientFactory httpClients, IHostEnvironment environment) : IEventPublisher
{
    /// <summary>How many keys publish at once: each is one request in flight to the sidecar.</summary>
    private const int KeysInParallel = 16;

    /// <summary>
    /// Requests to the sidecar in flight together could reach the broker in any order, so each key's messages go one
    /// after another (different keys in parallel), and a key stops at its first failure: its later messages are
    /// reported failed without being sent, to be published after the failed one on the retry.
    /// </summary>
    public async Task<Exception?[]> PublishBatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var errors = new Exception?[messages.Count];
        var byKey = Enumerable.Range(0, messages.Count).GroupBy(i => (messages[i].Topic, messages[i].Key));
        await Parallel.ForEachAsync(byKey, new ParallelOptions { MaxDegreeOfParallelism = KeysInParallel, CancellationToken = cancellationToken },
            async (indexes, ct) =>
            {
                Exception? failure = null;
                foreach (var i in indexes)
                {
                    if (failure is not null) { errors[i] = new InvalidOperationException("Not sent: an earlier message with its key failed.", failure); continue; }
                    try { await PublishAsync(messages[i], ct); }
                    catch (Exception exception) when (!ct.IsCancellationRequested) { errors[i] = failure = exception; }
                }
            });
        return errors;
    }

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var activity = MessagingActivities.StartPublishActivity(message, "dapr");

        var path = $"/v1.0/publish/{DaprSidecar.PubSubName}/{Uri.EscapeDataString(message.Topic)}"
            + $"?metadata.partitionKey={Uri.EscapeDataString(message.Key)}"
            + $"&metadata.{EventHeaders.EventId}={message.EventId}"
            + $"&metadata.{EventHeaders.EventType}={Uri.EscapeDataString(message.EventType)}";
        using var content = new ByteArrayContent(CloudEvents.Wrap(message.EventId, message.EventType, environment.ApplicationName, message.Payload));
        content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvents.MediaType);

        // The sidecar answers 204 once the component has the broker's ack; anything else leaves the outbox row to retry.
        using var response = await httpClients.CreateClient(DaprSidecar.HttpClientName).PostAsync(path, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            activity?.SetStatus(ActivityStatusCode.Error, body);
            throw new HttpRequestException(
                $"The Dapr sidecar refused to publish {message.EventType} {message.EventId} to {message.Topic}: {(int)response.StatusCode} {body}",
                inner: null, response.StatusCode);
        }
    }
}
