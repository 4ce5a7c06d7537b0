namespace TaskFlow.AppHost;

public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// Adds the local profile's Redis: redis-server from PATH, else Garnet (<see cref="LocalRedisServer"/>), listening
    /// on loopback only and writing every change to an append-only file under LocalData:Path, so the data survives
    /// restarts. Stops the AppHost with one sentence when Redis:Server=redis-server and redis-server is missing.
    /// </summary>
    public static IResourceBuilder<ILocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure)
    {
        var server = LocalRedisServer.Choose(builder.Configuration);
        if (server.Kind == LocalRedisServerKind.RedisServer)
        {
            var dataDirectory = Path.Combine(infrastructure.LocalDataPath, "redis");
            infrastructure.Note($"{name}: redis-server ({server.Reason}) with appendonly, data in {dataDirectory}");
            return builder.AddLocalRedisServer(new LocalRedisResource(name, server.RedisServerPath!, dataDirectory), args =>
            {
                args.Add("--bind");
                args.Add("127.0.0.1");
                args.Add("-::1"); // "-": skipped where IPv6 is off
                args.Add("--dir");
                args.Add(dataDirectory);
                args.Add("--appendonly");
                args.Add("yes");
            });
        }

        var garnetDataDirectory = Path.Combine(infrastructure.LocalDataPath, "garnet");
        infrastructure.Note($"{name}: Garnet, a Redis-compatible server from NuGet ({server.Reason}), with its append-only file, data in {garnetDataDirectory}");
        return builder.AddLocalRedisServer(new LocalGarnetResource(name, garnetDataDirectory), args =>
        {
            args.Add("--bind");
            args.Add("127.0.0.1");
            args.Add("--checkpointdir");
            args.Add(garnetDataDirectory);
        }).WithAnnotation(new Projects.TaskFlow_AppHost_Garnet());
    }

    /// <summary>
    /// What both servers share: a TCP endpoint (its port passed as --port; not behind the orchestrator's proxy, as for
    /// postgres), the data folder and the PING check.
    /// </summary>
    private static IResourceBuilder<ILocalRedisResource> AddLocalRedisServer<T>(this IDistributedApplicationBuilder builder, T server, Action<IList<object>> args)
        where T : ILocalRedisResource =>
        builder.CreateResourceBuilder<ILocalRedisResource>(builder.AddResource(server).Resource)
            .WithEndpoint(name: ILocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(server.Endpoint.Property(EndpointProperty.TargetPort));
                args(context.Args);
            })
            .OnBeforeResourceStarted((resource, _, _) =>
            {
                Directory.CreateDirectory(resource.DataDirectory);
                return Task.CompletedTask;
            })
            .WithHealthCheck($"{server.Name}_redis_ping", new RedisPingHealthCheck(server));
}
