using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Workers.Reminders;

public static class RemindersFeature
{
    /// <summary>The reminder schedule kept from task events, and the service that fires what is due onto <c>reminders</c>.</summary>
    public static IHostApplicationBuilder AddReminders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReminderSchedule>();
        builder.AddEventConsumer<ReminderScheduleUpdater, TaskEventData>(new ConsumerRegistration(Topics.TaskEvents, ReminderScheduleUpdater.ConsumerGroup));
        builder.Services.AddHostedService<ReminderFiringService>();
        return builder;
    }
}
