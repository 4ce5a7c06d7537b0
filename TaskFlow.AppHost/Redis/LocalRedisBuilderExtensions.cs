
namespace TaskFlow.AppHost;

public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// Adds <c>redis-server</c> from PATH, listening on loopback only, with the append-only file on
    /// (data in <paramref name="dataDirectory"/>). Stops the AppHost with one sentence when redis-server is missing.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var redisServer = Prerequisites.RequireOnPath("redis-server", "sudo apt-get install -y redis-server");
        var redis = new LocalRedisResource(name, redisServer, dataDirectory);

        return builder.AddResource(redis)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("-::1"); // "-": skipped where IPv6 is off
                context.Args.Add("--dir");
                context.Args.Add(redis.DataDirectory);
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
            })
            .OnBeforeResourceStarted((resource, _, _) =>
            {
                Directory.CreateDirectory(resource.DataDirectory);
                return Task.CompletedTask;
            })
            .WithHealthCheck($"{name}_redis_ping", new RedisPingHealthCheck(redis));
    }
}
