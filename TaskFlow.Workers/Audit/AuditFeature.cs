using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Workers.Audit;

public static class AuditFeature
{
    /// <summary>Every task event into the audit history (its own table skips repeats, so no Redis keys).</summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.AddEventConsumer<AuditRecorder, TaskEventData>(new ConsumerRegistration(Topics.TaskEvents, AuditRecorder.ConsumerGroup) { HandlerSkipsRepeats = true });
        return builder;
    }
}
