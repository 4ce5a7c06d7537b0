using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>
/// The real AppHost (local profile: dev broker, redis-server, postgres) started once for every end-to-end test,
/// with its Redis and Postgres data in a throwaway folder.
/// </summary>
public sealed class TaskFlowApp : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string[] _extraArguments;

    public TaskFlowApp() : this([])
    {
    }

    private TaskFlowApp(string[] extraArguments) => _extraArguments = extraArguments;

    /// <summary>An app of its own, started with more AppHost arguments than the shared one (e.g. another transport).</summary>
    public static TaskFlowApp WithArguments(params string[] extraArguments) => new(extraArguments);

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "taskflow-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public DistributedApplication App { get; private set; } = null!;
    public string KafkaBootstrap { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
            // The scripted chat model (a test double in the Api) lets tests drive /api/chat deterministically.
            ["--Infrastructure=local", $"--LocalData:Path={_dataPath}", "--Chat:Provider=scripted", .. _extraArguments],
            (options, _) => options.DisableDashboard = true,
            cancellation.Token);
        // The clients CreateHttpClient makes share pooled handlers: with cookies on, one test's Set-Cookie (the
        // updates session) would sign in every later "anonymous" client of every test. Clients send what they set.
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler((handler, _) =>
        {
            if (handler is SocketsHttpHandler sockets) sockets.UseCookies = false;
            else if (handler is HttpClientHandler client) client.UseCookies = false;
        }));
        // With the dashboard off nothing listens where Aspire still points the services' OTLP exporters, and every
        // stop would wait out the export timeout per signal. Without an endpoint the services export nothing; they
        // still trace (traceparent headers) as before.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT")));
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));

        App = await builder.BuildAsync(cancellation.Token);
        await App.StartAsync(cancellation.Token);
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        // Services, and their Dapr sidecars when this run has them.
        foreach (var resource in new[] { "api", "workers", "api-dapr", "workers-dapr" }.Where(name => model.Resources.Any(r => r.Name == name)))
            await WaitForEveryReplicaHealthyAsync(model.Resources.Single(r => r.Name == resource), cancellation.Token);

        KafkaBootstrap = await App.GetConnectionStringAsync("kafka", cancellation.Token)
            ?? throw new InvalidOperationException("The kafka resource has no connection string.");
    }

    /// <summary>
    /// WaitForResourceHealthyAsync returns once one instance is healthy; with replicas, a test must not start while
    /// another is still starting (the shared endpoint would send it requests it cannot answer yet).
    /// </summary>
    private async Task WaitForEveryReplicaHealthyAsync(IResource resource, CancellationToken cancellationToken)
    {
        var replicas = resource.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
        var healthy = new HashSet<string>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != resource.Name) continue;
            if (update.Snapshot.HealthStatus == HealthStatus.Healthy) healthy.Add(update.ResourceId);
            else healthy.Remove(update.ResourceId);
            if (healthy.Count >= replicas) return;
        }
    }

    public HttpClient CreateApiClient() => App.CreateHttpClient("api");

    /// <summary>
    /// Restarts the Api process (as a deploy or a crash would) and waits until it is healthy again. On this busy
    /// machine the restarted process has been seen to exit at once when the suite runs in full (never alone); its
    /// log goes to the test output and the Api is started once more, so a real start-up bug still fails the test.
    /// </summary>
    public async Task RestartApiAsync()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync("api", KnownResourceCommands.RestartCommand, cancellation.Token);
        Assert.True(result.Success, $"could not restart the api: {result.Message}");
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync("api", cancellation.Token);
            return;
        }
        catch (DistributedApplicationException exception)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{exception.Message} Its last log lines:\n{await RecentLogsAsync("api")}");
        }
        await Task.Delay(TimeSpan.FromSeconds(3), cancellation.Token);
        result = await commands.ExecuteCommandAsync("api", KnownResourceCommands.StartCommand, cancellation.Token);
        Assert.True(result.Success, $"could not start the api again: {result.Message}");
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync("api", cancellation.Token);
        }
        catch (DistributedApplicationException exception)
        {
            throw new InvalidOperationException($"{exception.Message} Its last log lines:\n{await RecentLogsAsync("api")}", exception);
        }
    }

    /// <summary>
    /// The current state of each instance of the resource (replicas each have their own id, e.g. workers-abc123).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, CustomResourceSnapshot>> InstancesAsync(string resourceName)
    {
        // WatchAsync begins with the current state of every instance, then waits for changes: a second is plenty.
        var instances = new SortedDictionary<string, CustomResourceSnapshot>();
        using var listed = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await foreach (var update in App.ResourceNotifications.WatchAsync(listed.Token))
                if (update.Resource.Name == resourceName) instances[update.ResourceId] = update.Snapshot;
        }
        catch (OperationCanceledException)
        {
        }
        return instances;
    }

    /// <summary>
    /// The resource's console output so far (the last lines of each instance, as replicas each have their own), for
    /// failure messages.
    /// </summary>
    public async Task<string> RecentLogsAsync(string resourceName, int lines = 40)
    {
        var instances = (await InstancesAsync(resourceName)).Keys;
        var sections = new List<string>();
        foreach (var instance in instances)
        {
            var collected = new List<string>();
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(instance).WithCancellation(enough.Token))
                    collected.AddRange(batch.Select(line => line.Content));
            }
            catch (OperationCanceledException)
            {
            }
            sections.Add($"--- {instance} ---\n{string.Join("\n", collected.TakeLast(lines))}");
        }
        return string.Join("\n", sections);
    }

    /// <summary>The secret the AppHost generated for service-to-service calls (and hands to Dapr sidecars as their app token).</summary>
    public async Task<string> InternalApiKeyAsync()
    {
        var parameter = App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == "internal-api-key");
        return await parameter.GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException("internal-api-key has no value.");
    }

    /// <summary>The task's envelopes on task-events as a plain Kafka client reads them, in partition order.</summary>
    public List<BrokerMessage> ReadTaskEvents(int taskId, int expected, TimeSpan timeout)
    {
        var found = ReadTopic("task-events", json => json["data"]?["task_id"]?.GetValue<int>() == taskId, found => found.Count >= expected, timeout);
        Assert.True(found.Count == expected, $"found {found.Count} of {expected} events for task {taskId} on task-events");
        return found;
    }

    /// <summary>
    /// Reads <paramref name="topic"/> from the beginning with a plain Kafka client, keeping the envelopes that
    /// <paramref name="matches"/>, until <paramref name="done"/> says so or <paramref name="timeout"/> passes.
    /// </summary>
    public List<BrokerMessage> ReadTopic(string topic, Func<JsonObject, bool> matches, Func<List<BrokerMessage>, bool> done, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = KafkaBootstrap }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;

        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = KafkaBootstrap,
            GroupId = "tests-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));

        var found = new List<BrokerMessage>();
        var deadline = DateTime.UtcNow + timeout;
        while (!done(found) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null) continue;
            var value = JsonNode.Parse(result.Message.Value)!.AsObject();
            // The Dapr transport wraps the envelope in a CloudEvent.
            var json = value.ContainsKey("specversion") ? value["data"]!.AsObject() : value;
            if (!matches(json)) continue;
            var headers = result.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
            found.Add(new BrokerMessage(result.Message.Key, headers, json, result.Partition.Value, result.Offset.Value));
        }
        consumer.Close();
        return found;
    }

    public async Task<TaskFlowUser> SignUpAsync()
    {
        var user = new TaskFlowUser(CreateApiClient(), $"user-{Guid.NewGuid():N}@example.test", "Correct-Horse-9");
        await user.RegisterAndLoginAsync();
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await App.StopAsync(cancellation.Token);
            await App.DisposeAsync();
        }
        try { Directory.Delete(_dataPath, recursive: true); }
        catch (IOException) { /* a process may still hold a file; the folder is in temp */ }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One record of task-events: key, headers, the envelope, and where it sits.</summary>
public sealed record BrokerMessage(string Key, Dictionary<string, string> Headers, JsonObject Json, int Partition, long Offset);

[CollectionDefinition(Name)]
public sealed class TaskFlowAppCollection : ICollectionFixture<TaskFlowApp>
{
    public const string Name = "TaskFlow app";
}
