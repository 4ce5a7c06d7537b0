using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Tests.EndToEnd;

namespace TaskFlow.Tests.LiveUpdates;

/// <summary>
/// The AppHost with two Api replicas behind the api endpoint: every live-update test then also proves that an SSE
/// connection on one replica hears about a write served by the other.
/// </summary>
public sealed class ReplicatedApp : IAsyncLifetime
{
    public TaskFlowApp Inner { get; } = TaskFlowApp.WithArguments("--Api:Replicas=2");

    public ValueTask InitializeAsync() => Inner.InitializeAsync();

    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    /// <summary>Each replica's own http address (not the load-balanced one).</summary>
    public async Task<IReadOnlyList<Uri>> ReplicaAddressesAsync()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var found = new Dictionary<string, Uri>();
        await foreach (var update in Inner.App.ResourceNotifications.WatchAsync(cancellation.Token))
        {
            if (update.Resource.Name != "api") continue;
            // The snapshot's URLs are the shared proxy's; the replica's own address is what it was told to listen on.
            var url = update.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value;
            if (url is not null) found[update.ResourceId] = new Uri(url.Split(';')[0]);
            if (found.Count == 2) break;
        }
        return found.Values.ToList();
    }
}

[CollectionDefinition(Name)]
public sealed class ReplicatedAppCollection : ICollectionFixture<ReplicatedApp>, ICollectionFixture<Browser>
{
    public const string Name = "TaskFlow app with two Api replicas";
}
