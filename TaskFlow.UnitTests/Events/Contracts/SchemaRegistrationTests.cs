using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Schemas;

namespace TaskFlow.UnitTests.Events.Contracts;

/// <summary>
/// <see cref="SchemaRegistration"/> against <see cref="SchemaRegistryStandIn"/> (an in-test HTTP stand-in speaking a
/// Confluent-compatible registry's REST API: no registry runs on this machine).
/// </summary>
public sealed class SchemaRegistrationTests
{
    [Fact]
    public async Task Each_topic_s_schema_is_registered_under_its_value_subject_at_backward_transitive_once_however_often_a_service_starts()
    {
        await using var registry = await SchemaRegistryStandIn.StartAsync();

        await Registration(registry.Address).StartAsync(CancellationToken.None);
        await Registration(registry.Address).StartAsync(CancellationToken.None);

        Assert.Equal(Topics.Catalog.Select(t => $"{t.Name}-value").Order(), registry.Subjects.Keys.Order());
        foreach (var topic in Topics.Catalog)
        {
            var versions = registry.Subjects[$"{topic.Name}-value"];
            var schema = JsonNode.Parse(Assert.Single(versions))!;
            Assert.Equal(EventCatalog.On(topic.Name).Select(e => e.SchemaId), schema["oneOf"]!.AsArray().Select(b => b!["$id"]!.GetValue<string>()));
            Assert.Equal("BACKWARD_TRANSITIVE", registry.Compatibility[$"{topic.Name}-value"]);
        }
    }

    [Fact]
    public async Task A_registry_holding_a_schema_this_one_would_break_stops_the_service_with_one_sentence()
    {
        await using var registry = await SchemaRegistryStandIn.StartAsync();
        // What an older build would have registered: task.created with a field this build no longer writes.
        var older = EventSchemaDocuments.OfTopic(Topics.TaskEvents);
        older["oneOf"]![0]!["properties"]!["data"]!["properties"]!.AsObject()["estimate_minutes"] = new JsonObject { ["type"] = "integer" };
        registry.Preregister("task-events-value", older.ToJsonString());

        var error = await Assert.ThrowsAsync<SchemaRegistrationException>(() => Registration(registry.Address).StartAsync(CancellationToken.None));

        Assert.StartsWith($"The schema registry at {registry.Address}/ refuses this service's schema for task-events-value: it is not BACKWARD_TRANSITIVE compatible", error.Message);
        Assert.Contains("removes data.estimate_minutes in urn:taskflow:event:task.created:1.0", error.Message, StringComparison.Ordinal);
        Assert.Contains("is a new event version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_registry_registration_is_off_and_says_so_once()
    {
        var logger = new ListLogger();

        await new SchemaRegistration(new ConfigurationBuilder().Build(), Clients(), logger).StartAsync(CancellationToken.None);

        Assert.Equal(["Schema registration is off: no ConnectionStrings:schema-registry (a Confluent-compatible schema registry) is configured."], logger.Lines);
    }

    [Fact]
    public async Task A_registry_that_does_not_answer_stops_the_service_saying_so()
    {
        var error = await Assert.ThrowsAsync<SchemaRegistrationException>(() => Registration("http://127.0.0.1:1").StartAsync(CancellationToken.None));

        Assert.StartsWith("The schema registry at http://127.0.0.1:1/ did not answer", error.Message);
    }

    private static SchemaRegistration Registration(string address) =>
        new(new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:schema-registry", address)]).Build(), Clients(), NullLogger<SchemaRegistration>.Instance);

    private static IHttpClientFactory Clients() =>
        new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    private sealed class ListLogger : ILogger<SchemaRegistration>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
