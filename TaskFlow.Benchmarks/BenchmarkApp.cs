using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Benchmarks;

/// <summary>
/// The real AppHost in the local profile (dev broker, redis-server, postgres from this machine), dashboard off,
/// its Redis and Postgres data in a throwaway folder that disposing deletes.
/// </summary>
public sealed class BenchmarkApp : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);
    private const string Password = "Correct-Horse-9";

    private readonly string _dataPath;
    private DistributedApplication? _app;

    private BenchmarkApp(string dataPath) => _dataPath = dataPath;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>Starts the app and waits until api and workers are healthy; <paramref name="apiEnvironment"/> goes to the Api's process.</summary>
    /// <param name="apiBehindProxy">
    /// False: clients reach the Api on its own port, not through the orchestrator's proxy, which holds two open files
    /// per connection of its own (a load of many connections measures the Api, not the proxy).
    /// </param>
    public static async Task<BenchmarkApp> StartAsync(IReadOnlyDictionary<string, string> apiEnvironment, bool apiBehindProxy = true)
    {
        var bench = new BenchmarkApp(Path.Combine(Path.GetTempPath(), "taskflow-bench-" + Guid.NewGuid().ToString("N")[..8]));
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"Starting the AppHost (local profile, dashboard off, data in {bench._dataPath}) ...");
        try
        {
            using var cancellation = new CancellationTokenSource(StartTimeout);
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
                ["--Infrastructure=local", $"--LocalData:Path={bench._dataPath}"],
                (options, _) => options.DisableDashboard = true,
                cancellation.Token);
            // Postgres writes its ordinary LOG lines to stderr, which Aspire forwards as errors, and health checks fail
            // as resources stop: neither belongs in a report. `dotnet run --project TaskFlow.AppHost` shows them all.
            builder.Services.AddLogging(logging => logging
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("TaskFlow.AppHost.Resources", LogLevel.None)
                .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
                .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error));
            // With the dashboard off nothing listens where Aspire points the services' OTLP exporters (as in the
            // end-to-end tests' TaskFlowApp): exporting would cost the services CPU during a measurement and make every
            // stop wait out the export timeout. They still trace (traceparent headers).
            foreach (var project in builder.Resources.OfType<ProjectResource>())
                project.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT")));
            var api = builder.CreateResourceBuilder<ProjectResource>("api");
            foreach (var (name, value) in apiEnvironment) api.WithEnvironment(name, value);
            if (!apiBehindProxy)
            {
                foreach (var endpoint in api.Resource.Annotations.OfType<EndpointAnnotation>())
                {
                    endpoint.IsProxied = false;
                    endpoint.Port = endpoint.TargetPort = FreePort();
                }
            }

            bench._app = await builder.BuildAsync(cancellation.Token);
            await bench._app.StartAsync(cancellation.Token);
            foreach (var resource in new[] { "api", "workers" })
            {
                try { await bench._app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token); }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    throw new TimeoutException($"{resource} was not healthy {StartTimeout.TotalMinutes} minutes after the start; "
                        + "`dotnet run --project TaskFlow.AppHost -- --Infrastructure local` shows the resource logs.");
                }
            }
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
        Console.WriteLine($"AppHost up: api and workers healthy after {clock.Elapsed.TotalSeconds:F1} s.");
        return bench;
    }

    public async Task<string> ConnectionStringAsync(string resource)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await App.GetConnectionStringAsync(resource, cancellation.Token)
            ?? throw new InvalidOperationException($"The {resource} resource has no connection string.");
    }

    /// <summary>Registers a new user through the API and returns a client that carries their bearer token.</summary>
    public async Task<(HttpClient Client, string Email)> SignUpAsync(string namePrefix)
    {
        var (email, token) = await SignUpForTokenAsync(namePrefix);
        var http = App.CreateHttpClient("api");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (http, email);
    }

    /// <summary>Registers a new user through the API and returns their access token, for callers that send it per request.</summary>
    public async Task<(string Email, string AccessToken)> SignUpForTokenAsync(string namePrefix)
    {
        var email = $"{namePrefix}-{Guid.NewGuid():N}@example.test";
        using var http = App.CreateHttpClient("api");
        await EnsureSuccessAsync(await http.PostAsJsonAsync("/api/auth/register", new { email, password = Password }), "register");
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        await EnsureSuccessAsync(login, "login");
        var token = (await login.Content.ReadFromJsonAsync<JsonObject>())?["access_token"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token)) throw new InvalidOperationException("login answered without an access_token");
        return (email, token);
    }

    /// <summary>The id of the resource's process (its only replica), from the resource snapshot; null while it has none.</summary>
    public int? ProcessId(string resource)
    {
        if (!App.ResourceNotifications.TryGetCurrentState(resource, out var state)) return null;
        var pid = state.Snapshot.Properties.FirstOrDefault(p => p.Name is "executable.pid" or "project.pid")?.Value;
        return pid is null ? null : Convert.ToInt32(pid, CultureInfo.InvariantCulture);
    }

    /// <summary>Stops a service resource and waits until its process has exited; the resource can start again.</summary>
    public async Task StopResourceAsync(string resource)
    {
        using var cancellation = new CancellationTokenSource(StopTimeout);
        var result = await App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellation.Token);
        if (!result.Success) throw new InvalidOperationException($"could not stop {resource}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, cancellation.Token);
    }

    /// <summary>Starts a stopped service resource again and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource)
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        var result = await App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellation.Token);
        if (!result.Success) throw new InvalidOperationException($"could not start {resource}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var cancellation = new CancellationTokenSource(StopTimeout);
            try { await _app.StopAsync(cancellation.Token); }
            catch (OperationCanceledException) { Console.WriteLine($"The app did not stop within {StopTimeout.TotalSeconds} s; disposing it anyway."); }
            await _app.DisposeAsync();
            _app = null;
        }
        try
        {
            if (Directory.Exists(_dataPath)) Directory.Delete(_dataPath, recursive: true);
            Console.WriteLine($"Stopped the app and deleted {_dataPath}.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine($"Stopped the app; could not delete {_dataPath}: {exception.Message}");
        }
    }
}
