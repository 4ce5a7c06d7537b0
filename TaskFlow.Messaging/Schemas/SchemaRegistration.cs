using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Messaging.Schemas;

/// <summary>
/// At start, registers the schema of every topic's values in a Confluent-compatible schema registry
/// (<c>ConnectionStrings:schema-registry</c>) under its TopicNameStrategy subject, at compatibility
/// <see cref="Compatibility"/>; a registry that refuses one stops the service before it serves or consumes anything.
/// Registering what is already there is a no-op, so every instance of every service does it.
/// </summary>
public sealed partial class SchemaRegistration(IConfiguration configuration, IHttpClientFactory httpClients, ILogger<SchemaRegistration> logger) : IHostedService
{
    public const string ConnectionName = "schema-registry";

    /// <summary>
    /// BACKWARD: a new schema must read every event written under the old ones, the direction that breaks consumers
    /// (a field removed, retyped or newly required). TRANSITIVE: against all earlier versions, not only the last, since
    /// a new consumer group starts from the oldest retained event (task-events keeps 7 days). Readers ignore fields they
    /// do not know, so an added optional field also reaches older readers safely; with the schemas' closed content
    /// model the registry can prove such an addition compatible.
    /// </summary>
    public const string Compatibility = "BACKWARD_TRANSITIVE";

    private static readonly MediaTypeHeaderValue RegistryJson = new("application/vnd.schemaregistry.v1+json");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var address = configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(address))
        {
            LogOff(logger, ConnectionName);
            return;
        }
        if (!Uri.TryCreate(address.TrimEnd('/') + "/", UriKind.Absolute, out var registry) || registry.Scheme is not ("http" or "https"))
            throw Refuse($"ConnectionStrings:{ConnectionName} must be an http(s) address, not '{address}'.");

        using var http = httpClients.CreateClient(ConnectionName);
        http.BaseAddress = registry;
        foreach (var topic in Topics.Catalog)
            await RegisterAsync(http, topic.Name, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RegisterAsync(HttpClient http, string topic, CancellationToken cancellationToken)
    {
        var subject = EventSchemaDocuments.SubjectOf(topic);
        var path = $"subjects/{Uri.EscapeDataString(subject)}/versions";
        var schema = new JsonObject { ["schemaType"] = "JSON", ["schema"] = EventSchemaDocuments.OfTopic(topic).ToJsonString() };
        try
        {
            using var level = await http.PutAsync($"config/{Uri.EscapeDataString(subject)}",
                JsonContent.Create(new JsonObject { ["compatibility"] = Compatibility }, RegistryJson), cancellationToken);
            await EnsureAcceptedAsync(level, http, subject, cancellationToken);
            using var registered = await http.PostAsync(path, JsonContent.Create(schema, RegistryJson), cancellationToken);
            await EnsureAcceptedAsync(registered, http, subject, cancellationToken);
            var id = (await registered.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))?["id"];
            LogRegistered(logger, subject, id?.ToJsonString() ?? "?", Compatibility);
        }
        catch (HttpRequestException exception)
        {
            throw Refuse($"The schema registry at {http.BaseAddress} did not answer ({exception.Message}); this service registers its event schemas before it starts.");
        }
    }

    private async Task EnsureAcceptedAsync(HttpResponseMessage response, HttpClient http, string subject, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var message = TryMessage(body) ?? body;
        throw Refuse(response.StatusCode switch
        {
            HttpStatusCode.Conflict =>
                $"The schema registry at {http.BaseAddress} refuses this service's schema for {subject}: it is not {Compatibility} " +
                $"compatible with the versions registered there ({message}). A change that breaks readers is a new event version " +
                "(README, \"Events\"); this service does not start with events its readers could not read.",
            HttpStatusCode.UnprocessableEntity => $"The schema registry at {http.BaseAddress} finds this service's schema for {subject} invalid: {message}",
            _ => $"The schema registry at {http.BaseAddress} answered {(int)response.StatusCode} for {subject}: {message}",
        });
    }

    private static string? TryMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["message"]?.GetValue<string>();
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private SchemaRegistrationException Refuse(string reason)
    {
        LogRefused(logger, reason);
        return new SchemaRegistrationException(reason);
    }

    [LoggerMessage(LogLevel.Information, "Schema registration is off: no ConnectionStrings:{ConnectionName} (a Confluent-compatible schema registry) is configured.")]
    private static partial void LogOff(ILogger logger, string connectionName);

    [LoggerMessage(LogLevel.Information, "Registered the event schemas of {Subject} (schema id {Id}, compatibility {Compatibility}).")]
    private static partial void LogRegistered(ILogger logger, string subject, string id, string compatibility);

    [LoggerMessage(LogLevel.Critical, "{Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}

/// <summary>This service's event schemas could not be registered; it does not start.</summary>
public sealed class SchemaRegistrationException(string message) : Exception(message);
