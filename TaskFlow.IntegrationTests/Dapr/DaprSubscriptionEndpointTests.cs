using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaskFlow.IntegrationTests.Events;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Events;

namespace TaskFlow.IntegrationTests.Dapr;

/// <summary>
/// The subscription endpoints in a bare web app (no AppHost): the delivery forms daprd uses and what is logged.
/// The end-to-end effect through the Workers is in <see cref="DaprSubscriptionContractTests"/>.
/// </summary>
public sealed class DaprSubscriptionEndpointTests : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _logs = new();
    private WebApplication _app = null!;
    private HttpClient _sidecar = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration[MessagingTransport.Setting] = MessagingTransport.Dapr;
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.Services.AddSingleton<IEventDeduplicator, InMemoryDeduplicator>();
        builder.Services.AddSingleton<HandledEvents>();
        builder.AddEventConsumer<RecordingHandler, TaskEventData>(new ConsumerRegistration("task-events", "tests-recorder"));
        _app = builder.Build();
        _app.MapDaprSubscriptions();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _sidecar = new HttpClient { BaseAddress = new Uri(address) };
    }

    [Fact]
    public async Task Every_form_daprd_delivers_in_reaches_the_handler_once()
    {
        var envelope = DaprSubscriptionContractTests.NewEnvelope("task.deleted", new JsonObject { ["task_id"] = 1, ["user_id"] = "u" });
        var bytes = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        // Structured CloudEvent (Dapr transport), raw payload (base64), and a bare envelope a Kafka-transport publisher wrote.
        var structured = DaprSubscriptionContractTests.DaprDelivery(envelope, partition: 0, offset: 1);
        var rawPayload = CloudEvent(new JsonObject { ["specversion"] = "1.0", ["id"] = "x", ["data_base64"] = Convert.ToBase64String(bytes) });
        var bare = CloudEvent(envelope.DeepClone().AsObject());

        var statuses = new List<string>();
        foreach (var delivery in new[] { structured, rawPayload, bare })
            statuses.Add(await StatusAsync(await _sidecar.PostAsync("/dapr/events/task-events", delivery)));

        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS"], statuses);
        Assert.Equal([envelope["event_id"]!.GetValue<string>()], _app.Services.GetRequiredService<HandledEvents>().Ids.Select(id => id.ToString()));
    }

    [Fact]
    public async Task A_delivery_that_is_not_an_envelope_is_dropped_and_logged_with_where_it_came_from()
    {
        var response = await _sidecar.PostAsync("/dapr/events/task-events",
            DaprSubscriptionContractTests.DaprDelivery(new JsonObject { ["hello"] = "world" }, partition: 2, offset: 417));

        Assert.Equal("DROP", await StatusAsync(response));
        Assert.Contains(_logs.Lines, line => line.StartsWith("Warning: Dapr delivery on task-events (partition 2, offset 417) cannot be read as an event", StringComparison.Ordinal));
        Assert.Empty(_app.Services.GetRequiredService<HandledEvents>().Ids);
    }

    [Theory]
    [InlineData("task.deleted", "2.0", """{"task_id":1,"user_id":"u"}""", "which this service does not read (it reads 1.0)")]
    [InlineData("task.archived", "1.0", """{"task_id":1,"user_id":"u"}""", "which this service does not read (it reads no version of task.archived)")]
    [InlineData("task.deleted", "1.0", """{"task_id":"one","user_id":"u"}""", "is no TaskDeletedData")]
    [InlineData("task.updated", "1.0", """{"task_id":1,"user_id":"u"}""", "is no TaskUpdatedData")]
    public async Task An_event_without_a_reader_or_whose_data_does_not_fit_its_record_is_dropped_saying_why(string type, string version, string data, string reason)
    {
        var envelope = DaprSubscriptionContractTests.NewEnvelope(type, JsonNode.Parse(data)!.AsObject());
        envelope["version"] = version;

        var response = await _sidecar.PostAsync("/dapr/events/task-events", DaprSubscriptionContractTests.DaprDelivery(envelope, partition: 0, offset: 9));

        Assert.Equal("DROP", await StatusAsync(response));
        Assert.Contains(_logs.Lines, line => line.StartsWith("Warning: Dapr delivery on task-events (partition 0, offset 9) cannot be read as an event", StringComparison.Ordinal)
            && line.Contains(reason, StringComparison.Ordinal));
        Assert.Empty(_app.Services.GetRequiredService<HandledEvents>().Ids);
    }

    [Fact]
    public async Task A_failing_handler_answers_retry_and_the_redelivery_runs_it_again()
    {
        var envelope = DaprSubscriptionContractTests.NewEnvelope("task.deleted", new JsonObject { ["task_id"] = 1, ["user_id"] = RecordingHandler.FailingUser });

        var first = await StatusAsync(await _sidecar.PostAsync("/dapr/events/task-events", DaprSubscriptionContractTests.DaprDelivery(envelope, 0, 5)));
        envelope["data"]!["user_id"] = "u";
        var redelivery = await StatusAsync(await _sidecar.PostAsync("/dapr/events/task-events", DaprSubscriptionContractTests.DaprDelivery(envelope, 0, 5)));

        Assert.Equal("RETRY", first);
        Assert.Equal("SUCCESS", redelivery);
        Assert.Contains(_logs.Lines, line => line.StartsWith("Warning: Consumer group tests-recorder failed on event", StringComparison.Ordinal));
        Assert.Equal([Guid.Parse(envelope["event_id"]!.GetValue<string>())], _app.Services.GetRequiredService<HandledEvents>().Ids);
    }

    [Fact]
    public async Task A_topic_nobody_subscribed_to_has_no_route()
    {
        var response = await _sidecar.PostAsync("/dapr/events/reminders", DaprSubscriptionContractTests.DaprDelivery(new JsonObject(), 0, 0));

        // daprd treats 404 as DROP: nothing here will ever handle it.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _sidecar.Dispose();
        await _app.DisposeAsync();
    }

    private static StringContent CloudEvent(JsonObject body) =>
        new(body.ToJsonString(), new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json"));

    private static async Task<string> StatusAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["status"]!.GetValue<string>();
    }

    private sealed class HandledEvents
    {
        public ConcurrentQueue<Guid> Ids { get; } = new();
    }

    /// <summary>Records the task events it handled; fails on those of <see cref="FailingUser"/>.</summary>
    private sealed class RecordingHandler(HandledEvents handled) : IEventHandler<TaskEventData>
    {
        public const string FailingUser = "fail";

        public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken)
        {
            if (consumedEvent.Data.UserId == FailingUser)
                throw new InvalidOperationException("told to fail");
            handled.Ids.Enqueue(consumedEvent.Envelope.EventId);
            return Task.CompletedTask;
        }
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");

        public void Dispose()
        {
        }
    }
}
