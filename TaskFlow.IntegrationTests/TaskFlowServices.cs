using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.IntegrationTests.Hosting;
using TaskFlow.IntegrationTests.Webhooks;

[assembly: AssemblyFixture(typeof(TaskFlow.IntegrationTests.TaskFlowServices))]

namespace TaskFlow.IntegrationTests;

/// <summary>
/// The middle tier's one fixture for the whole run: local Postgres, Redis and the dev broker from the AppHost's model,
/// and the Api and the Workers in this process with the settings that model gives them. Tests talk to the services
/// over TCP like any client; what needs the services' own processes (kill -9, process health, sidecars) is the
/// end-to-end tier's (TaskFlow.Tests). A test class that stops parts of the infrastructure takes an instance of its own
/// (a subclass as its class fixture).
/// </summary>
public class TaskFlowServices : IAsyncLifetime
{
    private readonly int _apiInstances;
    private readonly int _workersInstances;
    private readonly bool _startWorkers;
    private LocalInfrastructure? _infrastructure;
    private readonly List<ServiceHost<global::TaskFlow.Api.Tasks.TaskService>> _apis = [];
    private readonly List<ServiceHost<global::TaskFlow.Workers.Data.WorkersDbContext>> _workers = [];
    private readonly bool _withApiWithoutChatModel;
    /// <summary>The Workers also run <see cref="Workers.DeadLetterProbe"/>, a consumer the dead-letter tests make fail.</summary>
    private readonly bool _withDeadLetterProbe;
    private ServiceHost<global::TaskFlow.Api.Tasks.TaskService>? _apiWithoutChatModel;
    private int _nextApi;

    /// <summary>
    /// Two Api instances, as a scaled deployment runs them (each client on the next one, so every test also crosses
    /// replicas), and one Workers instance, as the AppHost runs it by default. Two Workers instances starting together
    /// spend their first seconds rebalancing partitions, which delays events enough to fail tests with second-scale
    /// timing: the tests of Workers replicas take services of their own
    /// (<see cref="Workers.ReplicatedWorkersServices"/>).
    /// </summary>
    public TaskFlowServices() : this(apiInstances: 2, workersInstances: 1)
    {
        _withApiWithoutChatModel = true;
        _withDeadLetterProbe = true;
    }

    /// <param name="startWorkers">False for tests that write first and then start the Workers (<see cref="StartWorkersAsync"/>).</param>
    protected TaskFlowServices(int apiInstances, int workersInstances, bool startWorkers = true)
    {
        _apiInstances = apiInstances;
        _workersInstances = workersInstances;
        _startWorkers = startWorkers;
    }

    /// <summary>The infrastructure's app (Postgres, Redis, the broker): connection strings, resource logs.</summary>
    public DistributedApplication App => Infrastructure.App;

    public string KafkaBootstrap { get; private set; } = "";

    /// <summary>Stops and starts the infrastructure's resources (an outage of Postgres, Redis or the broker).</summary>
    public ResourceControl Resources => new(App);

    /// <summary>Where the services register their event schemas (no registry runs here: an in-test stand-in).</summary>
    public SchemaRegistryStandIn SchemaRegistry { get; private set; } = null!;

    private LocalInfrastructure Infrastructure => _infrastructure ?? throw new InvalidOperationException("The services have not started.");

    public async ValueTask InitializeAsync()
    {
        try
        {
            SchemaRegistry = await SchemaRegistryStandIn.StartAsync();
            // The scripted chat model (a test double in the Api) lets tests drive /api/chat deterministically.
            _infrastructure = await LocalInfrastructure.StartAsync(
            [
                "--Chat:Provider=scripted",
                $"--Notifications:Webhooks:AllowedPrivateNetworks={WebhookReceiver.AllowedAddress}/32",
                $"--ConnectionStrings:schema-registry={SchemaRegistry.Address}",
            ]);
            KafkaBootstrap = await App.GetConnectionStringAsync("kafka") ?? throw new InvalidOperationException("The kafka resource has no connection string.");
            // The first instance of each listens where the model put the service (where the other one calls it); the
            // others anywhere. All start at once: each migrates under a lock, as replicas of a deployment do.
            for (var i = 0; i < _apiInstances; i++)
                _apis.Add(new(i == 0 ? Infrastructure.ServicePorts["api"] : LocalInfrastructure.FreePort(), Infrastructure.SettingsOf("api")));
            for (var i = 0; i < _workersInstances; i++)
                _workers.Add(new(i == 0 ? Infrastructure.ServicePorts["workers"] : LocalInfrastructure.FreePort(), Infrastructure.SettingsOf("workers"),
                    _withDeadLetterProbe ? Workers.DeadLetterProbe.AddTo : null));
            // One more Api as a deployment without a chat model runs it (the built-in assistant), on the same data.
            if (_withApiWithoutChatModel)
                _apiWithoutChatModel = new(LocalInfrastructure.FreePort(), Infrastructure.SettingsOf("api").Where(s => !s.Key.StartsWith("Chat:", StringComparison.Ordinal)).ToDictionary());
            await Task.WhenAll(_apis.Append(_apiWithoutChatModel).OfType<ServiceHost<global::TaskFlow.Api.Tasks.TaskService>>().Select(api => Task.Run(api.Start)));
            if (_startWorkers) await StartWorkersAsync();
        }
        catch
        {
            // A fixture that fails to start is not always disposed by the test framework: stop what did start.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts every Workers instance at once (the fixture does unless told not to).</summary>
    public Task StartWorkersAsync() => Task.WhenAll(_workers.Select(workers => Task.Run(workers.Start)));

    /// <summary>Each Api instance's own address, first the one the Workers call.</summary>
    public IReadOnlyList<Uri> ApiAddresses => _apis.Select(api => api.Address).ToList();

    public int WorkersInstances => _workers.Count;

    /// <summary>How many Workers instances still run (a host stops when one of its background services fails).</summary>
    public int RunningWorkersInstances => _workers.Count(workers => workers.IsRunning);

    /// <summary>
    /// A client of one Api instance, each new client the next instance (as a load balancer would spread connections):
    /// a user's second client is on another replica than the first.
    /// </summary>
    public HttpClient CreateApiClient() => _apis[Interlocked.Increment(ref _nextApi) % _apis.Count].CreatePlainClient();

    /// <summary>
    /// One more Api instance on the same data, started now with <paramref name="settings"/> on top of the model's (for
    /// limits a test lowers); the caller disposes it.
    /// </summary>
    public async Task<ServiceHost<global::TaskFlow.Api.Tasks.TaskService>> StartApiAsync(IReadOnlyDictionary<string, string> settings)
    {
        var api = new ServiceHost<global::TaskFlow.Api.Tasks.TaskService>(LocalInfrastructure.FreePort(),
            Infrastructure.SettingsOf("api").Concat(settings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        await Task.Run(api.Start);
        return api;
    }

    /// <summary>The address of the Api instance that has no chat model configured (only the default services run one).</summary>
    public Uri ApiWithoutChatModelAddress => (_apiWithoutChatModel ?? throw new InvalidOperationException("These services run no Api without a chat model.")).Address;

    /// <summary>A user of the Api instance that has no chat model configured (only the default services run one).</summary>
    public async Task<TaskFlowUser> SignUpWithoutChatModelAsync()
    {
        var api = _apiWithoutChatModel ?? throw new InvalidOperationException("These services run no Api without a chat model.");
        var user = new TaskFlowUser(api.CreatePlainClient(), $"user-{Guid.NewGuid():N}@example.test", "Correct-Horse-9");
        await user.RegisterAndLoginAsync();
        return user;
    }

    public HttpClient CreateWorkersClient() => _workers[0].CreatePlainClient();

    /// <summary>The first Workers instance's container, e.g. to run its command in this process.</summary>
    public IServiceProvider WorkersServices => _workers[0].Services;

    /// <summary>The settings the AppHost's model gives the Workers (connection strings and the rest), for running its command.</summary>
    public IReadOnlyDictionary<string, string> WorkersSettings => Infrastructure.SettingsOf("workers");

    /// <summary>The first Api instance's container, e.g. to read what it holds.</summary>
    public IServiceProvider ApiServices => _apis[0].Services;

    /// <summary>The secret the AppHost generated for service-to-service calls (and hands to Dapr sidecars as their app token).</summary>
    public async Task<string> InternalApiKeyAsync()
    {
        var parameter = App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == "internal-api-key");
        return await parameter.GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException("internal-api-key has no value.");
    }

    public List<BrokerMessage> ReadTaskEvents(int taskId, int expected, TimeSpan timeout) =>
        new TopicReader(KafkaBootstrap).ReadTaskEvents(taskId, expected, timeout);

    public List<BrokerMessage> ReadTopic(string topic, Func<System.Text.Json.Nodes.JsonObject, bool> matches, Func<List<BrokerMessage>, bool> done, TimeSpan timeout) =>
        new TopicReader(KafkaBootstrap).ReadTopic(topic, matches, done, timeout);

    /// <summary>The last log lines of each instance of a service ("api" or "workers"), for failure messages.</summary>
    public Task<string> RecentLogsAsync(string service, int lines = 40)
    {
        IEnumerable<(string Name, string Lines)> instances = service switch
        {
            "api" => _apis.Select((api, i) => ($"api #{i}", api.RecentLogs(lines))),
            "workers" => _workers.Select((workers, i) => ($"workers #{i}", workers.RecentLogs(lines))),
            _ => throw new ArgumentException($"No service {service} runs in this process.", nameof(service)),
        };
        return Task.FromResult(string.Join("\n", instances.Select(instance => $"--- {instance.Name} ---\n{instance.Lines}")));
    }

    public async Task<TaskFlowUser> SignUpAsync()
    {
        var user = new TaskFlowUser(CreateApiClient(), $"user-{Guid.NewGuid():N}@example.test", "Correct-Horse-9");
        await user.RegisterAndLoginAsync();
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _apis.Append(_apiWithoutChatModel).OfType<IAsyncDisposable>().Concat(_workers)) await host.DisposeAsync();
        _apis.Clear();
        _apiWithoutChatModel = null;
        _workers.Clear();
        if (_infrastructure is { } infrastructure)
        {
            _infrastructure = null;
            await infrastructure.DisposeAsync();
        }
        if (SchemaRegistry is { } registry)
        {
            SchemaRegistry = null!;
            await registry.DisposeAsync();
        }
    }
}
