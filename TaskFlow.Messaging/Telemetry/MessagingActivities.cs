using System.Diagnostics;
using TaskFlow.Messaging.Publishing;

namespace TaskFlow.Messaging.Telemetry;

/// <summary>
/// The spans both transports open, in TaskFlow's ActivitySource: one per publish, one per delivery handled, joined
/// into the trace of the change that caused the event.
/// </summary>
public static class MessagingActivities
{
    public static readonly ActivitySource Source = new("TaskFlow");

    /// <summary>The producer span either transport opens per publish; its context travels with the message.</summary>
    public static Activity? StartPublishActivity(OutgoingMessage message, string messagingSystem)
    {
        var activity = message.TraceParent is null
            ? Source.StartActivity($"{message.Topic} publish", ActivityKind.Producer)
            : Source.StartActivity($"{message.Topic} publish", ActivityKind.Producer, ParseTraceParent(message.TraceParent));
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.destination.name", message.Topic);
        activity?.SetTag("messaging.message.id", message.EventId);
        return activity;
    }

    /// <summary>The consumer span both transports open per delivery, joined to the publisher's trace.</summary>
    public static Activity? StartProcessActivity(string topic, string messagingSystem, ActivityContext parent)
    {
        var activity = Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }

    public static ActivityContext ParseTraceParent(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
}
