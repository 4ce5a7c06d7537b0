namespace TaskFlow.Messaging.Publishing;

/// <summary>
/// The message headers every event carries on the broker, whichever transport wrote it: consumers read the id and type
/// without parsing the value, and the trace continues from the change that caused the event.
/// </summary>
public static class EventHeaders
{
    public const string EventId = "event_id";
    public const string EventType = "event_type";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
}
