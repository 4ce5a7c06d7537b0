using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskFlow.IntegrationTests.Hosting;

/// <summary>
/// One service (the Api or the Workers, named by a type of its assembly) running in this process on Kestrel at a real
/// port, with the settings the AppHost gives it: clients, browsers and the other service reach it over TCP as they
/// would the real process. Its recent log lines are kept for failure messages.
/// </summary>
/// <param name="configureServices">What a test adds to the service's own registrations (a consumer of its own).</param>
public sealed class ServiceHost<TEntryPoint>(int port, IReadOnlyDictionary<string, string> settings, Action<WebHostBuilderContext, IServiceCollection>? configureServices = null)
    : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private const int TestPasswordHashIterations = 1_000;

    private readonly RecentLog _log = new();

    public Uri Address { get; } = new($"http://localhost:{port}");

    /// <summary>Starts the service on its port and returns once it serves (migrations done).</summary>
    public void Start()
    {
        UseKestrel(port);
        StartServer();
    }

    /// <summary>False once the host stops (as it does when one of its background services fails).</summary>
    public bool IsRunning => !Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

    /// <summary>A client of the service's port, with no cookies (each client sends what it sets).</summary>
    public HttpClient CreatePlainClient() => new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Address };

    public string RecentLogs(int lines) => _log.Last(lines);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(_log));
        // Password hashing at Identity's default cost (PBKDF2, 100,000 rounds: ~0.1 s of CPU per sign-up and per
        // sign-in here) was the largest single cost of this tier, which signs up a few hundred users on two cores. The
        // same hasher at a lower cost; the end-to-end tier runs the services' own default.
        builder.ConfigureServices(services => services.Configure<PasswordHasherOptions>(options => options.IterationCount = TestPasswordHashIterations));
        if (configureServices is not null) builder.ConfigureServices(configureServices);
    }

    /// <summary>The last lines every logger of the service wrote (Information and above).</summary>
    private sealed class RecentLog : ILoggerProvider
    {
        private const int Capacity = 2000;
        private readonly ConcurrentQueue<string> _lines = new();

        public string Last(int lines) => string.Join("\n", _lines.TakeLast(lines));

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private void Add(string line)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Capacity) _lines.TryDequeue(out _);
        }

        private sealed class Logger(RecentLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
        }
    }
}
