using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using TaskFlow.IntegrationTests.Webhooks;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>
/// The real AppHost (local profile: dev broker, redis-server or Garnet, postgres) started once for every end-to-end
/// test, with its Redis and Postgres data in a throwaway folder. The AppHost reads its settings from the environment
/// too: Redis__Server=garnet runs the tests on Garnet even where redis-server is installed.
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

    private ResourceControl Control => new(App);

    public string KafkaBootstrap { get; private set; } = "";

    /// <summary>Where the services register their event schemas (no registry runs here: an in-test stand-in).</summary>
    public SchemaRegistryStandIn SchemaRegistry { get; private set; } = null!;

    /// <summary>Where the services send their telemetry, in the place of the dashboard (off in tests).</summary>
    public OtlpReceiver Telemetry { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAppAsync();
        }
        catch
        {
            // A fixture that fails to start is not always disposed by the test framework: stop what did start.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAppAsync()
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        SchemaRegistry = await SchemaRegistryStandIn.StartAsync();
        Telemetry = await OtlpReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
            // The scripted chat model (a test double in the Api) lets tests drive /api/chat deterministically.
            ["--Infrastructure=local", $"--LocalData:Path={_dataPath}", "--Chat:Provider=scripted",
                $"--ConnectionStrings:schema-registry={SchemaRegistry.Address}",
                $"--Notifications:Webhooks:AllowedPrivateNetworks={WebhookReceiver.AllowedAddress}/32", .. _extraArguments],
            (options, _) => options.DisableDashboard = true,
            cancellation.Token);
        // The clients CreateHttpClient makes share pooled handlers: with cookies on, one test's Set-Cookie (the
        // updates session) would sign in every later "anonymous" client of every test. Clients send what they set.
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler((handler, _) =>
        {
            if (handler is SocketsHttpHandler sockets) sockets.UseCookies = false;
            else if (handler is HttpClientHandler client) client.UseCookies = false;
        }));
        // With the dashboard off nothing listens where Aspire still points the services' OTLP exporters (and every stop
        // would wait out the export timeout per signal): the services export to the receiver instead, over OTLP/HTTP.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Address;
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            }));
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

    public HttpClient CreateApiClient()
    {
        ThrowIfBroken();
        return App.CreateHttpClient("api");
    }

    /// <summary>Kills the resource's process and its children (kill -9, as a crash would).</summary>
    public async Task<int> KillAsync(string resource)
    {
        var pid = await ProcessIdAsync(resource);
        using (var process = System.Diagnostics.Process.GetProcessById(pid))
        using (var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(exited.Token);
        }
        // Start is refused while the orchestrator still reports the killed process running.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline && (await InstancesAsync(resource)).Values.Any(s => Pid(s) == pid && s.State?.Text == KnownResourceStates.Running))
            await Task.Delay(100);
        return pid;
    }

    /// <summary>Starts a resource <see cref="KillAsync"/> killed, and waits until its new process serves.</summary>
    public async Task StartAgainAsync(string resource, int killedPid)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StartCommand);
        await WaitUntilServingAgainAsync(resource, killedPid);
    }

    /// <summary>Runs one of a resource's commands (start, stop, or its own, such as the dev broker's outage commands).</summary>
    public async Task ExecuteAsync(string resource, string command)
    {
        try
        {
            await Control.ExecuteAsync(resource, command);
        }
        catch (InvalidOperationException failed)
        {
            MarkBroken(failed.Message);
        }
    }

    /// <summary>
    /// Waits, by watching and asking, until a process other than <paramref name="oldPid"/> runs the resource and
    /// answers its /health with 200. WaitForResourceHealthyAsync is not used: right after a restart it can still be
    /// handed the old process's exit ("Finished") and give up although the new process is serving.
    /// </summary>
    private async Task WaitUntilServingAgainAsync(string resource, int oldPid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        using var http = App.CreateHttpClient(resource);
        http.Timeout = TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var replaced = (await InstancesAsync(resource)).Values
                .Any(s => Pid(s) is { } pid && pid != oldPid && s.State?.Text == KnownResourceStates.Running);
            if (replaced)
            {
                try
                {
                    if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                }
            }
            await Task.Delay(250);
        }
        MarkBroken($"{resource} did not serve again within 2 minutes of its restart. Its last log lines:\n{await RecentLogsAsync(resource, 80)}");
    }

    private async Task<int> ProcessIdAsync(string resource) =>
        (await InstancesAsync(resource)).Values.Select(Pid).SingleOrDefault(pid => pid is not null)
        ?? throw new InvalidOperationException($"The {resource} resource reports no process id.");

    private static int? Pid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name is "executable.pid" or "project.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>
    /// A service of this shared app did not come back: every later test of it fails at once with this reason instead
    /// of waiting out its HTTP timeouts one by one (which once took a CI run past its time limit).
    /// </summary>
    private void MarkBroken(string reason)
    {
        _broken ??= reason;
        throw new InvalidOperationException(reason);
    }

    private string? _broken;

    private void ThrowIfBroken()
    {
        if (_broken is not null) throw new InvalidOperationException("An earlier test left this app broken: " + _broken);
    }

    /// <summary>The current state of each instance of the resource (replicas each have their own id, e.g. workers-abc123).</summary>
    public Task<IReadOnlyDictionary<string, CustomResourceSnapshot>> InstancesAsync(string resourceName) => Control.InstancesAsync(resourceName);

    /// <summary>The resource's console output so far (the last lines of each instance), for failure messages.</summary>
    public Task<string> RecentLogsAsync(string resourceName, int lines = 40) => Control.RecentLogsAsync(resourceName, lines);

    /// <summary>The secret the AppHost generated for service-to-service calls (and hands to Dapr sidecars as their app token).</summary>
    public async Task<string> InternalApiKeyAsync()
    {
        var parameter = App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == "internal-api-key");
        return await parameter.GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException("internal-api-key has no value.");
    }

    /// <summary>The task's envelopes on task-events as a plain Kafka client reads them, in partition order.</summary>
    public List<BrokerMessage> ReadTaskEvents(int taskId, int expected, TimeSpan timeout) =>
        new TopicReader(KafkaBootstrap).ReadTaskEvents(taskId, expected, timeout);

    /// <summary>Reads a topic from the beginning with a plain Kafka client (<see cref="TopicReader.ReadTopic"/>).</summary>
    public List<BrokerMessage> ReadTopic(string topic, Func<JsonObject, bool> matches, Func<List<BrokerMessage>, bool> done, TimeSpan timeout) =>
        new TopicReader(KafkaBootstrap).ReadTopic(topic, matches, done, timeout);

    public async Task<TaskFlowUser> SignUpAsync()
    {
        var user = new TaskFlowUser(CreateApiClient(), $"user-{Guid.NewGuid():N}@example.test", "Correct-Horse-9");
        await user.RegisterAndLoginAsync();
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is { } app)
        {
            App = null!;
            var processes = await ProcessesAsync(app);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await app.StopAsync(cancellation.Token);
            }
            finally
            {
                await app.DisposeAsync();
                EndSurvivors(processes);
            }
        }
        if (SchemaRegistry is { } registry)
        {
            SchemaRegistry = null!;
            await registry.DisposeAsync();
        }
        if (Telemetry is { } telemetry)
        {
            Telemetry = null!;
            await telemetry.DisposeAsync();
        }
        try { Directory.Delete(_dataPath, recursive: true); }
        catch (IOException) { /* a process may still hold a file; the folder is in temp */ }
        catch (UnauthorizedAccessException) { }
    }
    /// <summary>Every process of the app (redis-server, postgres, the services, ...), as pid and start time.</summary>
    private static async Task<List<(int Pid, DateTime StartTime)>> ProcessesAsync(DistributedApplication app)
    {
        var processes = new List<(int, DateTime)>();
        foreach (var (_, snapshot) in (await new ResourceControl(app).CurrentStatesAsync()).Values)
        {
            if (Pid(snapshot) is not { } pid) continue;
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                processes.Add((pid, process.StartTime));
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        return processes;
    }

    /// <summary>
    /// DCP stops every process it started when the app stops; one it did not (a redis-server once outlived its run,
    /// holding a port and a data folder) is ended here. The start time tells a survivor from a new process that got
    /// the same pid since.
    /// </summary>
    private static void EndSurvivors(List<(int Pid, DateTime StartTime)> processes)
    {
        foreach (var (pid, startTime) in processes)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                if (process.StartTime != startTime || process.WaitForExit(TimeSpan.FromSeconds(5))) continue;
                Console.Error.WriteLine($"TaskFlowApp: process {pid} ({process.ProcessName}) outlived its app; ending it.");
                process.Kill(entireProcessTree: true);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile, or not ours to end.
            }
        }
    }
}

/// <summary>
/// The tests of one app (one instance of each service), one at a time: they kill and restart its services, and each
/// leaves it serving again.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TaskFlowAppCollection : ICollectionFixture<TaskFlowApp>
{
    public const string Name = "TaskFlow app";
}
