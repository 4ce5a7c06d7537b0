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

    /// <summary>Each replica's own http address (not the load-balanced one); both of them, or the test fails here.</summary>
    public async Task<IReadOnlyList<Uri>> ReplicaAddressesAsync()
    {
        var addresses = (await Inner.InstancesAsync("api")).Values
            // The snapshot's URLs are the shared proxy's; the replica's own address is what it was told to listen on.
            .Select(snapshot => snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value)
            .OfType<string>()
            .Select(urls => new Uri(urls.Split(';')[0]))
            .ToList();
        Assert.True(addresses.Count == 2, $"expected the addresses of 2 api replicas, found {addresses.Count}");
        return addresses;
    }
}

[CollectionDefinition(Name)]
public sealed class ReplicatedAppCollection : ICollectionFixture<ReplicatedApp>, ICollectionFixture<Browser>
{
    public const string Name = "TaskFlow app with two Api replicas";
}
