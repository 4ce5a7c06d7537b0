using Aspire.Hosting.Publishing;

namespace TaskFlow.AppHost;

/// <summary>
/// Stand-in for CommunityToolkit.Aspire.Hosting.Dapr (not on our package feed): the placement service and one
/// <c>daprd</c> sidecar per service, as plain executables, using the resources in the repository's <c>dapr/</c> folder.
/// </summary>
public static class DaprBuilderExtensions
{
    /// <summary>Seed port of the placement service.</summary>
    public const int PlacementPort = 50006;

    /// <summary>
    /// Decides whether this run has Dapr (see <see cref="DaprInstallation"/>) and, if so, adds the placement service.
    /// When Dapr is off, a <c>dapr</c> entry in the dashboard and a line in the log say so and why; with
    /// <c>Messaging:Transport=dapr</c> the AppHost stops instead, since nothing could be published.
    /// </summary>
    public static DaprSidecars AddDapr(
        this IDistributedApplicationBuilder builder,
        Infrastructure infrastructure,
        IResourceBuilder<IResourceWithConnectionString> kafka,
        IResourceBuilder<IResourceWithConnectionString> redis,
        IResourceBuilder<ParameterResource> appToken)
    {
        var installation = DaprInstallation.Find(builder.Configuration, builder.ExecutionContext.IsPublishMode);
        var resourcesDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "dapr"));

        if (!installation.Enabled)
        {
            if (string.Equals(builder.Configuration["Messaging:Transport"], "dapr", StringComparison.OrdinalIgnoreCase))
            {
                Prerequisites.Stop<DaprSidecars>($"Messaging:Transport=dapr needs Dapr sidecars, but Dapr is off: {installation.Reason}.");
            }

            infrastructure.Note($"dapr: off ({installation.Reason})");
            builder.AddResource(new DaprStatusResource("dapr"))
                .WithInitialState(new CustomResourceSnapshot
                {
                    ResourceType = "Dapr",
                    State = new ResourceStateSnapshot("Off", KnownResourceStateStyles.Info),
                    Properties = [new("reason", installation.Reason) { DisplayName = "Why" }],
                })
                .ExcludeFromManifest();
            return new DaprSidecars(installation, resourcesDirectory, Placement: null, kafka, redis, appToken);
        }

        if (builder.ExecutionContext.IsPublishMode)
        {
            // On a cluster Dapr's control plane runs placement and injects the sidecars (deploy/, pod annotations): the
            // manifest describes each sidecar (WithDaprSidecar) and runs no program of its own.
            return new DaprSidecars(installation, resourcesDirectory, Placement: null, kafka, redis, appToken);
        }

        infrastructure.Note($"dapr: placement + a daprd sidecar per service ({installation.Reason}), resources in {resourcesDirectory}");
        var placement = builder.AddExecutable("dapr-placement", installation.Placement, resourcesDirectory)
            .WithEndpoint(name: "grpc", scheme: "tcp", port: PlacementPort)
            .WithEndpoint(name: "healthz", scheme: "http")
            .WithEndpoint(name: "metrics", scheme: "http")
            .WithArgs(context =>
            {
                var resource = (IResourceWithEndpoints)context.Resource;
                // Every Dapr process defaults to healthz 8080 and metrics 9090: give each its own.
                context.Args.Add("--port");
                context.Args.Add(resource.GetEndpoint("grpc").Property(EndpointProperty.TargetPort));
                context.Args.Add("--healthz-port");
                context.Args.Add(resource.GetEndpoint("healthz").Property(EndpointProperty.TargetPort));
                context.Args.Add("--metrics-port");
                context.Args.Add(resource.GetEndpoint("metrics").Property(EndpointProperty.TargetPort));
            })
            .WithHttpHealthCheck("/healthz", endpointName: "healthz");
        return new DaprSidecars(installation, resourcesDirectory, placement, kafka, redis, appToken);
    }

    /// <summary>
    /// Gives <paramref name="service"/> a daprd sidecar (app id = the service's name, app port = its "http" endpoint)
    /// and tells the service where it listens (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>). The sidecar waits for the
    /// broker, Redis and placement, and is healthy once <c>/v1.0/healthz/outbound</c> answers (the app-independent
    /// check, so the service and its sidecar do not wait on each other). No-op when Dapr is off.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDaprSidecar(this IResourceBuilder<ProjectResource> service, DaprSidecars dapr, int? httpPort = null)
    {
        if (!dapr.Installation.Enabled)
        {
            return service;
        }

        if (dapr.Placement is not { } placement)
        {
            // Publishing: the sidecar injector gives the app's container DAPR_HTTP_PORT and DAPR_GRPC_PORT itself. The
            // sidecar's environment is in the model for what `aspire publish` writes (Publishing/), not in the manifest.
            service.ApplicationBuilder.AddResource(new DaprSidecarDescription($"{service.Resource.Name}-dapr", service.Resource, httpPort))
                .WithManifestPublishingCallback(context => DaprSidecarDescription.WriteToManifest(context, service.Resource))
                .WithSidecarEnvironment(dapr);
            return service;
        }

        var app = service.Resource;
        var sidecar = service.ApplicationBuilder.AddExecutable($"{app.Name}-dapr", dapr.Installation.Daprd, dapr.ResourcesDirectory)
            .WithEndpoint(name: "http", scheme: "http", port: httpPort)
            .WithEndpoint(name: "grpc", scheme: "http")
            .WithEndpoint(name: "metrics", scheme: "http")
            .WithArgs(context =>
            {
                var sidecarResource = (IResourceWithEndpoints)context.Resource;
                foreach (var argument in SidecarArguments(app.Name, app.GetEndpoint("http").Property(EndpointProperty.TargetPort),
                    placement.GetEndpoint("grpc").Property(EndpointProperty.HostAndPort),
                    sidecarResource.GetEndpoint("http").Property(EndpointProperty.TargetPort),
                    sidecarResource.GetEndpoint("grpc").Property(EndpointProperty.TargetPort),
                    sidecarResource.GetEndpoint("metrics").Property(EndpointProperty.TargetPort)))
                {
                    context.Args.Add(argument);
                }
            })
            .WithSidecarEnvironment(dapr)
            .WithOtlpExporter()
            .WithHttpHealthCheck("/v1.0/healthz/outbound", endpointName: "http")
            .WaitFor(placement)
            .WithParentRelationship(service);

        return service
            .WithEnvironment("DAPR_HTTP_PORT", sidecar.GetEndpoint("http").Property(EndpointProperty.Port))
            .WithEnvironment("DAPR_GRPC_PORT", sidecar.GetEndpoint("grpc").Property(EndpointProperty.Port));
    }

    /// <summary>
    /// What every sidecar reads from its environment, run here or published, and what it needs running first: the
    /// components' addresses and password (envRef in dapr/components/*.yaml) and the app token.
    /// </summary>
    private static IResourceBuilder<T> WithSidecarEnvironment<T>(this IResourceBuilder<T> sidecar, DaprSidecars dapr)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        sidecar
            .WithEnvironment(DaprSidecarDescription.KafkaBrokersVariable, dapr.Kafka)
            .WithEnvironment(context =>
            {
                var (host, password) = RedisAddress(dapr.Redis.Resource);
                context.EnvironmentVariables[DaprSidecarDescription.RedisHostVariable] = host;
                context.EnvironmentVariables[DaprSidecarDescription.RedisPasswordVariable] = password;
            })
            // daprd sends it as dapr-api-token on every call to the app; the app's /dapr endpoints require it.
            .WithEnvironment(DaprSidecarDescription.AppTokenVariable, dapr.AppToken)
            .WaitFor(dapr.Kafka)
            .WaitFor(dapr.Redis);

    /// <summary>
    /// daprd's command line, run here or in the published compose file: the app behind it on localhost, placement, and
    /// the resources relative to the working directory (dapr/, or its copy). A port left null is daprd's default.
    /// </summary>
    internal static IEnumerable<object> SidecarArguments(string appId, object appPort, object placementAddress,
        object? httpPort = null, object? grpcPort = null, object? metricsPort = null)
    {
        (string Name, object? Value)[] options =
        [
            ("--app-id", appId),
            ("--app-port", appPort),
            ("--app-protocol", "http"),
            ("--app-channel-address", "localhost"),
            ("--dapr-http-port", httpPort),
            ("--dapr-grpc-port", grpcPort),
            ("--metrics-port", metricsPort),
            ("--placement-host-address", placementAddress),
            ("--resources-path", "components"),
            ("--resources-path", "."),
            ("--config", "config.yaml"),
            ("--log-level", "info"),
        ];
        return options.Where(option => option.Value is not null).SelectMany(option => new[] { option.Name, option.Value! });
    }

    /// <summary>
    /// state.redis wants host:port and the password apart. A connection string from configuration
    /// (StackExchange.Redis form) is split when the sidecar starts, see <see cref="RedisConnectionString"/>.
    /// </summary>
    private static (object Host, object Password) RedisAddress(IResourceWithConnectionString redis) => redis switch
    {
        RedisResource container => (
            ReferenceExpression.Create($"{container.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}"),
            (object?)container.PasswordParameter ?? ""),
        LocalRedisResource local => (ReferenceExpression.Create($"{local.Endpoint.Property(EndpointProperty.HostAndPort)}"), ""),
        _ => (new RedisConnectionStringPart(redis, RedisConnectionString.Host), new RedisConnectionStringPart(redis, RedisConnectionString.Password)),
    };
}

/// <summary>What <see cref="DaprBuilderExtensions.WithDaprSidecar"/> needs; <see cref="Placement"/> is null when Dapr is off.</summary>
public sealed record DaprSidecars(
    DaprInstallation Installation,
    string ResourcesDirectory,
    IResourceBuilder<ExecutableResource>? Placement,
    IResourceBuilder<IResourceWithConnectionString> Kafka,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<ParameterResource> AppToken);

/// <summary>
/// A published sidecar: a <c>dapr.v0</c> entry (the format of Aspire's Dapr integration) naming the app, its app id and
/// port, the Configuration and the components; its environment and waits are the ones a sidecar run here gets, for the
/// deployments `aspire publish` writes (Publishing/).
/// </summary>
public sealed class DaprSidecarDescription(string name, ProjectResource app, int? httpPort)
    : Resource(name), IResourceWithParent<ProjectResource>, IResourceWithEnvironment, IResourceWithWaitSupport
{
    /// <summary>The name of the Configuration in dapr/config.yaml.</summary>
    public const string ConfigurationName = "taskflow";

    /// <summary>The components the services use, by the names in TaskFlow.Messaging's DaprSidecar (a test compares them).</summary>
    public static readonly string[] Components = ["pubsub-kafka", "statestore"];

    /// <summary>The variables dapr/components/*.yaml read through envRef.</summary>
    public const string KafkaBrokersVariable = "TASKFLOW_KAFKA_BROKERS";
    public const string RedisHostVariable = "TASKFLOW_REDIS_HOST";
    public const string RedisPasswordVariable = "TASKFLOW_REDIS_PASSWORD";

    /// <summary>daprd's own variable for the token it sends to the app.</summary>
    public const string AppTokenVariable = "APP_API_TOKEN";

    public ProjectResource Parent => app;

    /// <summary>The sidecar's HTTP port when the model fixes one (the Api's 3500, as in the seed), else Dapr's default.</summary>
    public int? HttpPort => httpPort;

    internal static void WriteToManifest(ManifestPublishingContext context, ProjectResource app)
    {
        context.Writer.WriteString("type", "dapr.v0");
        context.Writer.WriteStartObject("dapr");
        context.Writer.WriteString("application", app.Name);
        context.Writer.WriteString("appId", app.Name);
        context.Writer.WriteString("appPort", app.GetEndpoint("http").Property(EndpointProperty.TargetPort).ValueExpression);
        context.Writer.WriteString("appProtocol", "http");
        context.Writer.WriteString("config", ConfigurationName);
        context.Writer.WriteStartArray("components");
        foreach (var component in Components)
        {
            context.Writer.WriteStringValue(component);
        }
        context.Writer.WriteEndArray();
        context.Writer.WriteEndObject();
    }
}

/// <summary>A dashboard entry that only says Dapr is off and why.</summary>
public sealed class DaprStatusResource(string name) : Resource(name);
