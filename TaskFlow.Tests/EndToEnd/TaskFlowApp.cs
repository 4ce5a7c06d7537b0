using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>
/// The real AppHost (local profile: dev broker, redis-server, postgres) started once for every end-to-end test,
/// with its Redis and Postgres data in a throwaway folder.
/// </summary>
public sealed class TaskFlowApp : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "taskflow-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public DistributedApplication App { get; private set; } = null!;
    public string KafkaBootstrap { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
            ["--Infrastructure=local", $"--LocalData:Path={_dataPath}"],
            (options, _) => options.DisableDashboard = true,
            cancellation.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));

        App = await builder.BuildAsync(cancellation.Token);
        await App.StartAsync(cancellation.Token);
        foreach (var resource in new[] { "api", "workers" })
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token);

        KafkaBootstrap = await App.GetConnectionStringAsync("kafka", cancellation.Token)
            ?? throw new InvalidOperationException("The kafka resource has no connection string.");
    }

    public HttpClient CreateApiClient() => App.CreateHttpClient("api");

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

[CollectionDefinition(Name)]
public sealed class TaskFlowAppCollection : ICollectionFixture<TaskFlowApp>
{
    public const string Name = "TaskFlow app";
}
