using Microsoft.Extensions.Options;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Webhooks;

namespace TaskFlow.Workers.Notifications;

public static class NotificationsFeature
{
    /// <summary>Notifications from fired reminders and from assignments, and their delivery to each user's webhook.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.AddEventConsumer<NotificationRecorder, ReminderDueData>(new ConsumerRegistration(Topics.Reminders, NotificationRecorder.ConsumerGroup));
        builder.AddEventConsumer<AssignmentNotifier, TaskEventData>(new ConsumerRegistration(Topics.TaskEvents, AssignmentNotifier.ConsumerGroup));
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Deliveries retry on their own schedule (recorded per notification); the client only ever reaches allowed addresses.
        builder.Services.AddSingleton(WebhookAddressPolicy.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton(services => new WebhookClient(
            services.GetRequiredService<WebhookAddressPolicy>(), services.GetRequiredService<IOptions<WebhookOptions>>().Value.RequestTimeout));
        builder.Services.AddHostedService<WebhookDeliveryService>();
        return builder;
    }
}
