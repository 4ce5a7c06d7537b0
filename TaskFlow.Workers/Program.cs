using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Audit;
using TaskFlow.Workers.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddKafkaMessaging();
builder.AddNpgsqlDbContext<WorkersDbContext>("auditdb", configureDbContextOptions: options => options.UseSnakeCaseNamingConvention());
builder.AddRedisClient("redis");
builder.Services.ConfigureHttpJsonOptions(options => EventJson.Configure(options.SerializerOptions));
builder.Services.AddProblemDetails();

builder.Services.AddSingleton<IEventDeduplicator, RedisEventDeduplicator>();
builder.AddEventConsumer<AuditRecorder>(new ConsumerRegistration(Topics.TaskEvents, AuditRecorder.ConsumerGroup));

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<WorkersDbContext>().Database.MigrateAsync();
}

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapAuditEndpoints();
app.MapDaprSubscriptions().RequireInternalApiKey(DaprSidecar.ApiTokenHeader);

app.Run();
