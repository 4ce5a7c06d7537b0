using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Messaging.Dapr;

/// <summary>One entry of <c>GET /dapr/subscribe</c>, in the field names daprd reads.</summary>
public sealed record DaprSubscription(
    [property: JsonPropertyName("pubsubname")] string PubSubName,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("route")] string Route,
    [property: JsonPropertyName("deadLetterTopic")] string DeadLetterTopic);

/// <summary>What a route answers daprd: SUCCESS (done, or already done), RETRY (try again later) or DROP (never will work).</summary>
public sealed record DaprDeliveryResult([property: JsonPropertyName("status")] string Status)
{
    public static readonly DaprDeliveryResult Success = new("SUCCESS");
    public static readonly DaprDeliveryResult Retry = new("RETRY");
    public static readonly DaprDeliveryResult Drop = new("DROP");
}

/// <summary>
/// Dapr programmatic subscriptions for the consumers this service registered with <c>AddEventConsumer</c>:
/// one route per topic, dead letters to <c>&lt;topic&gt;.dlq</c>. Each delivery goes through the same
/// <see cref="EventDispatcher"/> (de-duplication, handlers) as the Kafka transport. Mapped whatever the transport,
/// so the contract can be exercised without a sidecar.
/// </summary>
public static partial class DaprSubscriptionEndpoints
{
    public const string RoutePrefix = "/dapr/events/";

    public static RouteGroupBuilder MapDaprSubscriptions(this IEndpointRouteBuilder routes)
    {
        var subscriptions = routes.ServiceProvider.GetServices<EventSubscription>().ToList();
        var group = routes.MapGroup("/dapr").WithTags("Dapr").ExcludeFromDescription();

        var catalog = subscriptions.Select(s => s.Topic).Distinct()
            .Select(topic => new DaprSubscription(DaprSidecar.PubSubName, topic, RoutePrefix + topic, Topics.DeadLetterOf(topic)))
            .ToList();
        group.MapGet("/subscribe", () => TypedResults.Json(catalog));

        foreach (var topicSubscriptions in subscriptions.GroupBy(s => s.Topic))
        {
            var forTopic = topicSubscriptions.ToList();
            group.MapPost("/events/" + topicSubscriptions.Key, (HttpRequest request, EventDispatcher dispatcher, ILoggerFactory loggers) =>
                DeliverAsync(forTopic, request, dispatcher, loggers.CreateLogger(typeof(DaprSubscriptionEndpoints).FullName!)));
        }
        return group;
    }

    private static async Task<IResult> DeliverAsync(
        IReadOnlyList<EventSubscription> subscriptions, HttpRequest request, EventDispatcher dispatcher, ILogger logger)
    {
        var topic = subscriptions[0].Topic;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);

        ConsumedEvent<object> consumedEvent;
        try
        {
            consumedEvent = ConsumedEvent.Read(
                topic,
                KafkaMetadata.Number(request.Headers[KafkaMetadata.Partition], -1),
                KafkaMetadata.Number(request.Headers[KafkaMetadata.Offset], -1L),
                request.Headers.TryGetValue(KafkaMetadata.Key, out var key) ? key.ToString() : null,
                body.ToArray());
        }
        catch (JsonException exception)
        {
            // Redelivering will not make it readable: DROP, and daprd parks it on the dead-letter topic.
            LogUnreadable(logger, topic, request.Headers[KafkaMetadata.Partition].ToString(), request.Headers[KafkaMetadata.Offset].ToString(), exception.Message);
            return TypedResults.Json(DaprDeliveryResult.Drop);
        }

        var envelope = consumedEvent.Envelope;
        using var activity = MessagingActivities.StartProcessActivity(topic, "dapr", default);
        activity?.SetTag("messaging.message.id", envelope.EventId);
        activity?.SetTag("taskflow.event_type", envelope.EventType);

        foreach (var subscription in subscriptions)
        {
            try
            {
                await dispatcher.DispatchAsync(subscription, consumedEvent, request.HttpContext.RequestAborted);
            }
            catch (Exception exception)
            {
                // Handlers already done are de-duplicated on the redelivery; daprd's resiliency policy spaces the retries
                // and dead-letters the event once they run out.
                LogFailed(logger, exception, subscription.ConsumerGroup, envelope.EventId);
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.Message);
                return TypedResults.Json(DaprDeliveryResult.Retry);
            }
        }
        return TypedResults.Json(DaprDeliveryResult.Success);
    }

    /// <summary>Headers daprd adds from the Kafka record it consumed (besides the record's own headers).</summary>
    private static class KafkaMetadata
    {
        public const string Key = "__key";
        public const string Partition = "__partition";
        public const string Offset = "__offset";

        public static T Number<T>(string? value, T fallback) where T : IParsable<T> =>
            T.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : fallback;
    }

    [LoggerMessage(LogLevel.Warning, "Dapr delivery on {Topic} (partition {Partition}, offset {Offset}) cannot be read as an event ({Reason}); answering DROP.")]
    private static partial void LogUnreadable(ILogger logger, string topic, string partition, string offset, string reason);

    [LoggerMessage(LogLevel.Warning, "Consumer group {ConsumerGroup} failed on event {EventId} delivered by Dapr; answering RETRY.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string consumerGroup, Guid eventId);
}
