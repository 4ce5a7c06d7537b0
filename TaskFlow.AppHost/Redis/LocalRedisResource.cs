namespace TaskFlow.AppHost;

/// <summary>
/// A Redis-protocol server the local profile runs on this machine (<see cref="LocalRedisServerKind"/>), listening on
/// loopback. Connection string: StackExchange.Redis "host:port".
/// </summary>
public interface ILocalRedisResource : IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithArgs
{
    const string EndpointName = "tcp";

    EndpointReference Endpoint { get; }

    /// <summary>Where the server keeps its data; survives restarts.</summary>
    string DataDirectory { get; }

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)}");
}

/// <summary><c>redis-server</c> from this machine.</summary>
public sealed class LocalRedisResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory), ILocalRedisResource
{
    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, ILocalRedisResource.EndpointName);

    /// <summary>Where the append-only file lives; survives restarts.</summary>
    public string DataDirectory { get; } = dataDirectory;
}
