using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Webhooks;
using TaskFlow.Workers.Audit;
using TaskFlow.Workers.Data;
using TaskFlow.Workers.Notifications;
using TaskFlow.Workers.Recurring;
using TaskFlow.Workers.Reminders;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMessaging();
builder.AddServiceDatabase<WorkersDbContext>("auditdb");
builder.AddRedisClient("redis");
builder.Services.ConfigureHttpJsonOptions(options => EventJson.Configure(options.SerializerOptions));
builder.Services.AddProblemDetails();

builder.Services.AddSingleton<IEventDeduplicator, RedisEventDeduplicator>();
builder.AddEventConsumer<AuditRecorder>(new ConsumerRegistration(Topics.TaskEvents, AuditRecorder.ConsumerGroup) { HandlerSkipsRepeats = true });

builder.Services.AddSingleton<ReminderSchedule>();
builder.AddEventConsumer<ReminderScheduleUpdater>(new ConsumerRegistration(Topics.TaskEvents, ReminderScheduleUpdater.ConsumerGroup));
builder.Services.AddHostedService<ReminderFiringService>();

builder.AddEventConsumer<RecurringTaskService>(new ConsumerRegistration(Topics.TaskEvents, RecurringTaskService.ConsumerGroup));
builder.Services.AddHttpClient<ApiTasksClient>(client => client.BaseAddress = new Uri("https+http://api")).AddInternalApiKey();

builder.AddEventConsumer<NotificationRecorder>(new ConsumerRegistration(Topics.Reminders, NotificationRecorder.ConsumerGroup));
builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
// Deliveries retry on their own schedule (recorded per notification); the client only ever reaches allowed addresses.
builder.Services.AddSingleton(WebhookAddressPolicy.FromConfiguration(builder.Configuration));
builder.Services.AddSingleton(services => new WebhookClient(
    services.GetRequiredService<WebhookAddressPolicy>(), services.GetRequiredService<IOptions<WebhookOptions>>().Value.RequestTimeout));
builder.Services.AddHostedService<WebhookDeliveryService>();

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<WorkersDbContext>().MigrateExclusivelyAsync();
}

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapAuditEndpoints();
app.MapNotificationEndpoints();
app.MapDaprSubscriptions().RequireInternalApiKey(DaprSidecar.ApiTokenHeader);

app.Run();
