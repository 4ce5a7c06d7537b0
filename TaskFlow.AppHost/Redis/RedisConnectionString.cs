namespace TaskFlow.AppHost;

/// <summary>
/// The parts of a StackExchange.Redis connection string ("host:port[,host:port][,password=...][,option=...]") that
/// Dapr's state.redis component takes apart: the first endpoint as its host and the password.
/// </summary>
public static class RedisConnectionString
{
    public static string Host(string connectionString) =>
        Parts(connectionString).FirstOrDefault(part => !part.Contains('=')) ?? "";

    public static string Password(string connectionString) =>
        Parts(connectionString)
            .Where(part => part.StartsWith("password=", StringComparison.OrdinalIgnoreCase))
            .Select(part => part["password=".Length..])
            .LastOrDefault() ?? "";

    private static IEnumerable<string> Parts(string connectionString) =>
        connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One part of a Redis connection string (<see cref="RedisConnectionString"/>), read when a sidecar starts.</summary>
internal sealed class RedisConnectionStringPart(IResourceWithConnectionString redis, Func<string, string> part) : IValueProvider, IManifestExpressionProvider
{
    public string ValueExpression => redis.ConnectionStringExpression.ValueExpression;

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        part(await redis.GetConnectionStringAsync(cancellationToken) ?? "");
}
