using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// W3C trace context in Kafka headers, so one trace runs from the HTTP request through the relay into every consumer.
/// </summary>
public static class TraceHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    public static readonly ActivitySource Source = new("TaskFlow");

    /// <summary>The producer span either transport opens per publish; its context travels with the message.</summary>
    public static Activity? StartPublishActivity(OutgoingMessage message, string messagingSystem)
    {
        var activity = message.TraceParent is null
            ? Source.StartActivity($"{message.Topic} publish", ActivityKind.Producer)
            : Source.StartActivity($"{message.Topic} publish", ActivityKind.Producer, Parse(message.TraceParent));
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.destination.name", message.Topic);
        activity?.SetTag("messaging.message.id", message.EventId);
        return activity;
    }

    public static void Inject(Activity? activity, Headers headers)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C) return;
        headers.Add(TraceParent, Encoding.ASCII.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
            headers.Add(TraceState, Encoding.ASCII.GetBytes(activity.TraceStateString));
    }

    public static ActivityContext Extract(Headers? headers)
    {
        var traceParent = headers.GetString(TraceParent);
        var traceState = headers.GetString(TraceState);
        return traceParent is not null && ActivityContext.TryParse(traceParent, traceState, out var context)
            ? context
            : default;
    }

    public static ActivityContext Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;

    public static string? GetString(this Headers? headers, string key) =>
        headers is not null && headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
