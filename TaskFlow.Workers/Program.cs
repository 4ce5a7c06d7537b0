using TaskFlow.Messaging;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Events;
using TaskFlow.ServiceDefaults;
using TaskFlow.Workers.Audit;
using TaskFlow.Workers.Data;
using TaskFlow.Workers.DeadLetters;
using TaskFlow.Workers.Notifications;
using TaskFlow.Workers.Recurring;
using TaskFlow.Workers.Reminders;

// `dlq ...` runs the dead-letter command with the service's settings instead of the service (DeadLetterCommand).
var isCommand = DeadLetterCommand.IsInvoked(args);
var builder = WebApplication.CreateBuilder(isCommand ? [] : args);

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
builder.AddDeadLetters(runAsCommand: isCommand);

var app = builder.Build();
if (isCommand)
{
    await using (app) return await DeadLetterCommand.RunAsync(args, app.Services, Console.Out, CancellationToken.None);
}

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<WorkersDbContext>().MigrateExclusivelyAsync(formerName: WorkersDbContext.FormerName);
}

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapAuditEndpoints();
app.MapNotificationEndpoints();
app.MapDeadLetterEndpoints();
app.MapDaprSubscriptions().RequireInternalApiKey(DaprSidecar.ApiTokenHeader);

await app.RunAsync();
return 0;
