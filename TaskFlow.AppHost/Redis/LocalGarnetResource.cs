namespace TaskFlow.AppHost;

/// <summary>
/// Microsoft Garnet, a Redis-compatible server, run from the TaskFlow.AppHost.Garnet project (built with the AppHost).
/// Connection string: StackExchange.Redis "host:port".
/// </summary>
public sealed class LocalGarnetResource(string name, string dataDirectory) : ProjectResource(name), ILocalRedisResource
{
    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, ILocalRedisResource.EndpointName);

    /// <summary>Where the append-only file and checkpoints live; survives restarts.</summary>
    public string DataDirectory { get; } = dataDirectory;
}
