using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TaskFlow.IntegrationTests.Hosting;

/// <summary>
/// The AppHost's own model (local profile) started without its projects: real Postgres, Redis (redis-server or
/// Garnet) and the dev Kafka broker, with data in a throwaway folder. The services then run in this process
/// (<see cref="ServiceHost{TEntryPoint}"/>) with the settings the model gives each of them, read from it here, so the
/// middle tier configures the services exactly as the AppHost would.
/// </summary>
public sealed class LocalInfrastructure : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Settings the process itself gets from the orchestrator, which a host in this process must not take.</summary>
    private static readonly string[] ProcessSettingPrefixes = ["OTEL_", "ASPNETCORE_", "DOTNET_", "HTTP_PORTS", "HTTPS_PORTS", "LOGGING__CONSOLE"];

    /// <summary>The AppHost's services, which the middle tier runs in its own process.</summary>
    public static readonly string[] ServiceNames = ["api", "workers"];

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "taskflow-integration-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _serviceSettings = [];

    private DistributedApplication? _app;

    /// <summary>Each service's port on this machine, chosen before it starts so that each can be told the other's.</summary>
    public IReadOnlyDictionary<string, int> ServicePorts { get; private set; } = new Dictionary<string, int>();

    /// <summary>The settings the AppHost gives <paramref name="service"/> (configuration keys, e.g. ConnectionStrings:kafka).</summary>
    public IReadOnlyDictionary<string, string> SettingsOf(string service) => _serviceSettings[service];

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The infrastructure has not started.");

    public static async Task<LocalInfrastructure> StartAsync(IEnumerable<string> appHostArguments)
    {
        var infrastructure = new LocalInfrastructure();
        try
        {
            await infrastructure.StartAppAsync(appHostArguments);
            return infrastructure;
        }
        catch
        {
            await infrastructure.DisposeAsync();
            throw;
        }
    }

    private async Task StartAppAsync(IEnumerable<string> appHostArguments)
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
            ["--Infrastructure=local", $"--LocalData:Path={_dataPath}", "--Dapr:Enabled=false", .. appHostArguments],
            (options, _) => options.DisableDashboard = true,
            cancellation.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));

        // The services run in this process: out of the model they go, keeping their annotations (what they reference,
        // their settings). Their endpoints get ports on this machine, so that references to them resolve.
        // (Garnet, the local Redis where redis-server is missing, is a project too: it stays.)
        var services = builder.Resources.OfType<ProjectResource>().Where(project => ServiceNames.Contains(project.Name)).ToList();
        var ports = new Dictionary<string, int>();
        foreach (var service in services)
        {
            builder.Resources.Remove(service);
            var port = FreePort();
            ports[service.Name] = port;
            foreach (var endpoint in service.Annotations.OfType<EndpointAnnotation>())
            {
                endpoint.TargetPort = port;
                endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
            }
        }
        ServicePorts = ports;

        _app = await builder.BuildAsync(cancellation.Token);
        await _app.StartAsync(cancellation.Token);
        var model = _app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var resource in model.Resources.Where(r => r.Annotations.OfType<HealthCheckAnnotation>().Any()))
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource.Name, cancellation.Token);

        foreach (var service in services)
        {
            var configuration = await ExecutionConfigurationBuilder.Create(service).WithEnvironmentVariablesConfig()
                .BuildAsync(_app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, cancellation.Token);
            if (configuration.Exception is { } exception)
                throw new InvalidOperationException($"The settings of {service.Name} could not be read from the model.", exception);
            _serviceSettings[service.Name] = configuration.EnvironmentVariables
                .Where(variable => !ProcessSettingPrefixes.Any(prefix => variable.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                .ToDictionary(variable => variable.Key.Replace("__", ":"), variable => variable.Value);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await app.StopAsync(cancellation.Token);
            }
            finally
            {
                await app.DisposeAsync();
            }
        }
        try { Directory.Delete(_dataPath, recursive: true); }
        catch (IOException) { /* a process may still hold a file; the folder is in temp */ }
        catch (UnauthorizedAccessException) { }
    }
}
