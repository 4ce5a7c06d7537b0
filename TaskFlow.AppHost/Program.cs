using Microsoft.Extensions.Configuration;
using TaskFlow.AppHost;
using TaskFlow.AppHost.Publishing;

var builder = DistributedApplication.CreateBuilder(args);

// Containers when a container runtime answers, else programs on this machine (README, "Infrastructure profiles").
// ConnectionStrings:{kafka,redis,tasksdb,workersdb,schema-registry} in AppHost configuration win over either profile.
var infrastructure = builder.ChooseInfrastructure();

var kafka = builder.AddKafkaBroker("kafka", infrastructure);
var schemaRegistry = builder.AddSchemaRegistry("schema-registry", infrastructure, kafka);
var redis = builder.AddRedisStore("redis", infrastructure);
var postgres = builder.AddPostgresServer("postgres", infrastructure);
var tasksdb = postgres.AddDatabase("tasksdb");
// The Workers' database (audit, reminders, notifications, webhooks, series, outbox); called auditdb until its
// services grew, and moved to the new name on the Workers' first start (WorkersDbContext.FormerName).
var workersdb = postgres.AddDatabase("workersdb");

// Authenticates Api <-> Workers calls on their internal endpoints; a new one every run.
var internalApiKey = builder.AddParameter("internal-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
var messagingTransport = builder.Configuration["Messaging:Transport"] ?? "kafka";

// Placement and a daprd sidecar per service when daprd is on this machine or Dapr:Enabled=true (see dapr/README.md).
var dapr = builder.AddDapr(infrastructure, kafka, redis, appToken: internalApiKey);

// The services read their dependencies from ConnectionStrings:* and services:* only; without the connection
// properties and endpoint variables Aspire would add too (TASKSDB_HOST, WORKERS_HTTP, ...) a deployment has fewer
// settings to provide.
const ReferenceEnvironmentInjectionFlags serviceReferences = ReferenceEnvironmentInjectionFlags.ConnectionString | ReferenceEnvironmentInjectionFlags.ServiceDiscovery;

var workers = builder.AddProject<Projects.TaskFlow_Workers>("workers")
    .WithReferenceEnvironment(serviceReferences)
    .WithHttpEndpointNamedHttp()
    // Healthy means migrated and connected (its /health), not merely started.
    .WithHttpHealthCheck("/health")
    // Workers:Replicas > 1 runs competing instances (consumer groups share partitions; reminders are claimed atomically).
    .WithReplicas(builder.Configuration.GetValue("Workers:Replicas", 1))
    .WithKafka(kafka)
    .WithReference(redis).WaitFor(redis)
    .WithReference(workersdb).WaitFor(workersdb)
    .WithEnvironment("Internal__ApiKey", internalApiKey)
    .WithEnvironment("Messaging__Transport", messagingTransport)
    .WithDaprSidecar(dapr)
    // List, re-drive and purge dead letters from the dashboard (the Workers' `dlq` command does the same from a shell).
    .WithDeadLetterCommands(internalApiKey);

var api = builder.AddProject<Projects.TaskFlow_Api>("api")
    .WithReferenceEnvironment(serviceReferences)
    // 8000 as in the seed. Aspire.Hosting.Testing randomizes proxied ports, so tests never collide with it.
    .WithHttpEndpointNamedHttp(port: 8000)
    // The one service users reach: published, its endpoint is outside the cluster's network too.
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithKafka(kafka)
    .WithReference(tasksdb).WaitFor(tasksdb)
    // Chat conversations (the Dapr transport reaches the same Redis through the sidecar's state store).
    .WithReference(redis).WaitFor(redis)
    .WithReference(workers.GetEndpoint("http"))
    .WithEnvironment("Internal__ApiKey", internalApiKey)
    .WithEnvironment("Messaging__Transport", messagingTransport)
    // 3500 as in the seed.
    .WithDaprSidecar(dapr, httpPort: 3500);
// In run mode every connection to the Api goes through Aspire's proxy, which holds two file descriptors for it under
// the same 20,000-file limit per process as the Api: the Api's cap on open live-update streams stays well below that.
if (builder.ExecutionContext.IsRunMode) api.WithEnvironment("LiveUpdates__MaxStreams", "8000");
// Api:Replicas runs more Api instances behind the one endpoint; each reads all of task-updates for its own clients,
// and the outbox relay's advisory lock keeps them from publishing twice.
if (int.TryParse(builder.Configuration["Api:Replicas"], out var replicas) && replicas > 1)
    api.WithReplicas(replicas);

// Both services register the event schemas of every topic at start (identical, so the second is a no-op). Set by
// hand: WithReference would add a second variable, ConnectionStrings__schema_registry, for the name's dash. Optional:
// without a registry the services run and do not register (a deployment may leave it out).
if (schemaRegistry is not null)
{
    foreach (var service in new[] { api, workers })
        service.WithEnvironment("ConnectionStrings__schema-registry", new ConnectionStringReference(schemaRegistry.Resource, optional: true))
            .WithReferenceRelationship(schemaRegistry);
}

// The RecurringTaskService creates next occurrences through the Api's internal endpoint.
workers.WithReference(api.GetEndpoint("http"));

// Webhooks reach public addresses only, unless this setting (comma-separated CIDR ranges) allows private ones, e.g.
// for a receiver on this machine during development (README, "Security"). The Api checks URLs, the Workers connections.
const string allowedWebhookNetworks = "Notifications:Webhooks:AllowedPrivateNetworks";
if (builder.Configuration[allowedWebhookNetworks] is { } networks)
{
    api.WithEnvironment(allowedWebhookNetworks.Replace(":", "__"), networks);
    workers.WithEnvironment(allowedWebhookNetworks.Replace(":", "__"), networks);
}

// The chat model behind /api/chat, from this AppHost's configuration or user secrets (README, "MCP and chat").
foreach (var setting in new[] { "Provider", "Endpoint", "Model" })
{
    if (builder.Configuration[$"Chat:{setting}"] is { } value) api.WithEnvironment($"Chat__{setting}", value);
}
if (builder.Configuration["Chat:ApiKey"] is not null)
    api.WithEnvironment("Chat__ApiKey", builder.AddParameterFromConfiguration("chat-api-key", "Chat:ApiKey", secret: true));

// `aspire publish -o DIR` writes DIR/kubernetes, DIR/compose and DIR/aspire-manifest.json from this model (README, "Deploying").
builder.AddDeploymentPublishing(dapr);

builder.Build().Run();
