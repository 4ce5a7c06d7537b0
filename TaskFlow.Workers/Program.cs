using TaskFlow.Messaging;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Events;
using TaskFlow.ServiceDefaults;
using TaskFlow.Workers.Audit;
using TaskFlow.Workers.Data;
using TaskFlow.Workers.Notifications;
using TaskFlow.Workers.Recurring;
using TaskFlow.Workers.Reminders;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMessaging();
builder.AddServiceDatabase<WorkersDbContext>(WorkersDbContext.ConnectionName);
builder.AddRedisClient("redis");
builder.Services.ConfigureHttpJsonOptions(options => EventJson.Configure(options.SerializerOptions));
builder.Services.AddProblemDetails();

builder.AddAudit();
builder.AddReminders();
builder.AddRecurringTasks();
builder.AddNotifications();

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<WorkersDbContext>().MigrateExclusivelyAsync(formerName: WorkersDbContext.FormerName);
}

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapAuditEndpoints();
app.MapNotificationEndpoints();
app.MapDaprSubscriptions().RequireInternalApiKey(DaprSidecar.ApiTokenHeader);

app.Run();
