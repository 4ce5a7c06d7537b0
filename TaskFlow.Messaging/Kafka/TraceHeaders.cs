using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using TaskFlow.Messaging.Publishing;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// W3C trace context in Kafka headers, so one trace runs from the HTTP request through the relay into every consumer.
/// </summary>
public static class TraceHeaders
{
    public static void Inject(Activity? activity, Headers headers)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C) return;
        headers.Add(EventHeaders.TraceParent, Encoding.ASCII.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
            headers.Add(EventHeaders.TraceState, Encoding.ASCII.GetBytes(activity.TraceStateString));
    }

    public static ActivityContext Extract(Headers? headers)
    {
        var traceParent = headers.GetString(EventHeaders.TraceParent);
        var traceState = headers.GetString(EventHeaders.TraceState);
        return traceParent is not null && ActivityContext.TryParse(traceParent, traceState, out var context)
            ? context
            : default;
    }

    public static string? GetString(this Headers? headers, string key) =>
        headers is not null && headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
