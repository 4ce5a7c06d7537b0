using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.UnitTests.Events.Contracts;

/// <summary>
/// An in-test HTTP stand-in for a Confluent-compatible schema registry (no registry runs on this machine): the part
/// of its REST API the services use, PUT /config/{subject} and POST /subjects/{subject}/versions (schemaType JSON),
/// plus reads for the tests. It judges compatibility with <see cref="SchemaCompatibility"/> against every registered
/// version (BACKWARD_TRANSITIVE), answering 409 with a message as a registry does; the same schema again gets its id.
/// </summary>
public sealed class SchemaRegistryStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(int Id, string Schema)>> _subjects = [];
    private readonly Dictionary<string, string> _compatibility = [];
    private readonly List<string> _registrations = [];
    private int _nextId = 1;

    private SchemaRegistryStandIn(WebApplication app) => _app = app;

    public string Address => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <summary>Each subject's registered schemas, oldest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Subjects
    {
        get { lock (_gate) return _subjects.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)s.Value.Select(v => v.Schema).ToList()); }
    }

    public IReadOnlyDictionary<string, string> Compatibility
    {
        get { lock (_gate) return new Dictionary<string, string>(_compatibility); }
    }

    /// <summary>Every POST of a schema, by subject: one per topic per service instance start.</summary>
    public IReadOnlyList<string> Registrations
    {
        get { lock (_gate) return [.. _registrations]; }
    }

    public static async Task<SchemaRegistryStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var registry = new SchemaRegistryStandIn(app);
        app.MapPut("/config/{subject}", async (string subject, HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body);
            var level = body?["compatibility"]?.GetValue<string>() ?? "";
            lock (registry._gate) registry._compatibility[subject] = level;
            return Results.Json(new JsonObject { ["compatibility"] = level });
        });
        app.MapPost("/subjects/{subject}/versions", async (string subject, HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body);
            if (body?["schemaType"]?.GetValue<string>() != "JSON" || body["schema"]?.GetValue<string>() is not { } schema)
                return Error(422, 42201, "Either the input schema or one of its references is invalid");
            return registry.Register(subject, schema);
        });
        app.MapGet("/subjects", () => { lock (registry._gate) return Results.Json(registry._subjects.Keys.ToList()); });
        await app.StartAsync();
        return registry;
    }

    /// <summary>Registers a schema directly, as another service (or an older version of this one) would have.</summary>
    public void Preregister(string subject, string schema)
    {
        lock (_gate)
        {
            if (!_subjects.TryGetValue(subject, out var versions)) _subjects[subject] = versions = [];
            versions.Add((_nextId++, schema));
        }
    }

    private IResult Register(string subject, string schema)
    {
        var node = JsonNode.Parse(schema);
        lock (_gate)
        {
            _registrations.Add(subject);
            if (!_subjects.TryGetValue(subject, out var versions)) _subjects[subject] = versions = [];
            if (versions.FirstOrDefault(v => JsonNode.DeepEquals(JsonNode.Parse(v.Schema), node)) is { Id: > 0 } same)
                return Results.Json(new JsonObject { ["id"] = same.Id });
            var breaking = versions.SelectMany(v => SchemaCompatibility.BreakingChanges(JsonNode.Parse(v.Schema), node)).Distinct().ToList();
            if (breaking.Count > 0)
                return Error(409, 409, $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", breaking)}]");
            versions.Add((_nextId++, schema));
            return Results.Json(new JsonObject { ["id"] = versions[^1].Id });
        }
    }

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new JsonObject { ["error_code"] = code, ["message"] = message }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
