using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Scalar.AspNetCore;
using TaskFlow.Api;
using TaskFlow.Api.Accounts;
using TaskFlow.Api.AgentTools;
using TaskFlow.Api.AsyncApi;
using TaskFlow.Api.Chat;
using TaskFlow.Api.Data;
using TaskFlow.Api.Lists;
using TaskFlow.Api.Mcp;
using TaskFlow.Api.Notifications;
using TaskFlow.Api.QuickAdd;
using TaskFlow.Api.Tasks;
using TaskFlow.Api.Updates;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Webhooks;
using TaskFlow.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// The largest request the API reads: a task with every text field at its limit, written as \uXXXX escapes, is under
// 40 KiB. Kestrel's default (30 MB) let a hostile body cost seconds of parsing before the first check (a 24 MB MCP
// call took over 2 s on two cores); past this it is a 413 before anything is read.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ApiLimits.MaxRequestBodyBytes);
builder.AddMessaging();
builder.AddServiceDatabase<ApiDbContext>("tasksdb");

builder.Services.ConfigureHttpJsonOptions(options =>
{
    EventJson.Configure(options.SerializerOptions);
    // A number is a JSON number: "5" is not 5 in a bound body (the web default would read it), as in the task bodies
    // TaskInput reads, and the OpenAPI document then says integer, not "integer or string".
    options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
});
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ValidationErrorKeys.NameAsOnTheWire);
// DataAnnotations on bound request records (SnoozeRequest, WebhookRequest), checked before the handler runs: a 400
// ValidationProblem naming each field.
builder.Services.AddValidation();
builder.Services.AddOpenApi();

builder.Services.AddAuthorization();
builder.AddPerUserRateLimiting();
builder.Services.AddIdentityApiEndpoints<IdentityUser>().AddEntityFrameworkStores<ApiDbContext>();
// Keys in the database: bearer tokens survive restarts and are valid on every Api replica.
builder.Services.AddDataProtection().PersistKeysToDbContext<ApiDbContext>().SetApplicationName("TaskFlow.Api");

builder.Services.AddScoped<TaskService>();
builder.Services.AddScoped<ListAccess>();
builder.Services.AddScoped<ListService>();
builder.Services.AddScoped<ToolServices>();
builder.Services.AddSingleton<InboxIds>();
builder.Services.AddSingleton<TaskIdAllocator>();
builder.AddLiveUpdates();
// Checks the URLs users set as webhooks (the Workers check again on every delivery).
builder.Services.AddSingleton(WebhookAddressPolicy.FromConfiguration(builder.Configuration));
builder.Services.AddHttpClient<WorkersClient>(client => client.BaseAddress = new Uri("https+http://workers"))
    .AddInternalApiKey();
builder.AddTaskMcpServer();
builder.AddChat();

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    // A replica re-reads the key ring only daily: replicas starting together must not each create a first key, or
    // one would refuse the bearer tokens the other signs. So the first key is made under the migration lock.
    await scope.ServiceProvider.GetRequiredService<ApiDbContext>().MigrateExclusivelyAsync(
        thenUnderLock: () => EnsureDataProtectionKey(app.Services.GetRequiredService<IKeyManager>()));
}

app.UseExceptionHandler();
app.UseStatusCodePages();
// The web UI (wwwroot) at /; before authentication, as its files are public.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
// After authentication: the limit is per signed-in user.
app.UseRateLimiter();
app.UseValidUtf8ForMcp();

app.MapOpenApi();
app.MapAsyncApi();
app.MapScalarApiReference();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapTaskEndpoints();
app.MapListEndpoints();
app.MapQuickAddEndpoints();
app.MapTaskLabelEndpoints();
app.MapNotificationEndpoints();
app.MapSeriesEndpoints();
app.MapInternalTaskEndpoints();
app.MapTaskMcp();
app.MapChatEndpoints();
app.MapUpdateEndpoints();

app.Run();

// Creates the first data-protection key unless a usable one exists (what the key ring would otherwise do lazily).
static void EnsureDataProtectionKey(IKeyManager keys)
{
    var now = DateTimeOffset.UtcNow;
    if (!keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now.AddDays(2)))
        keys.CreateNewKey(now, now.AddDays(90));
}
