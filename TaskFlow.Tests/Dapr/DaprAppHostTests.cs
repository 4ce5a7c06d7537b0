using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TaskFlow.AppHost;
using static TaskFlow.Tests.AppModel;

namespace TaskFlow.Tests.Dapr;

/// <summary>The Dapr resources the AppHost declares, read from its app model and its published manifest (no start, no daprd).</summary>
public sealed class DaprAppHostTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Run_with_Dapr_starts_placement_and_a_daprd_per_service_that_is_told_the_app_s_port_and_its_own()
    {
        await using var builder = await CreateBuilderAsync("--Dapr:Enabled=true");

        var placement = Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == "dapr-placement"), exactMatch: false);
        Assert.Equal(DaprBuilderExtensions.PlacementPort, placement.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "grpc").Port);
        foreach (var service in new[] { "api", "workers" })
        {
            var sidecar = Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == $"{service}-dapr"), exactMatch: false);
            var args = await ArgumentsAsync(sidecar);
            Assert.Equal(service, Option(args, "--app-id"));
            Assert.Equal(EndpointProperty.TargetPort, Assert.IsType<EndpointReferenceExpression>(Option(args, "--app-port")).Property);
            Assert.Equal("config.yaml", Option(args, "--config"));
            Assert.EndsWith("dapr", sidecar.WorkingDirectory, StringComparison.Ordinal);
            // The app calls the sidecar's proxied port (3500 for the Api), which forwards to the port daprd listens on.
            var daprHttpPort = Assert.IsType<EndpointReferenceExpression>((await EnvironmentAsync(builder, builder.Resources.Single(r => r.Name == service)))["DAPR_HTTP_PORT"]);
            Assert.Same(sidecar, daprHttpPort.Endpoint.Resource);
            Assert.Equal(EndpointProperty.Port, daprHttpPort.Property);
            Assert.Equal(EndpointProperty.TargetPort, Assert.IsType<EndpointReferenceExpression>(Option(args, "--dapr-http-port")).Property);
        }
        Assert.Equal(3500, builder.Resources.Single(r => r.Name == "api-dapr").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port);
    }

    [Fact]
    public async Task A_configured_Redis_connection_string_reaches_the_sidecar_as_host_and_password()
    {
        await using var builder = await CreateBuilderAsync("--Dapr:Enabled=true", "--ConnectionStrings:redis=cache.internal:6380,password=s3cret,abortConnect=false");

        var environment = await EnvironmentAsync(builder, builder.Resources.Single(r => r.Name == "api-dapr"));

        Assert.Equal("cache.internal:6380", await ((IValueProvider)environment["TASKFLOW_REDIS_HOST"]).GetValueAsync());
        Assert.Equal("s3cret", await ((IValueProvider)environment["TASKFLOW_REDIS_PASSWORD"]).GetValueAsync());
    }

    [Fact]
    public async Task With_Dapr_enabled_each_sidecar_waits_for_the_broker_redis_and_placement_and_is_checked_on_outbound_health()
    {
        await using var builder = await CreateBuilderAsync("--Dapr:Enabled=true");

        foreach (var service in new[] { "api", "workers" })
        {
            var sidecar = Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == $"{service}-dapr"), exactMatch: false);
            Assert.Equal(["kafka", "redis", "dapr-placement"], sidecar.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name));
            Assert.Single(sidecar.Annotations.OfType<HealthCheckAnnotation>());
            Assert.Contains(sidecar.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource.Name == service && r.Type == "Parent");
        }
        Assert.DoesNotContain(builder.Resources, r => r.Name == "dapr");
    }

    [Fact]
    public async Task With_Dapr_off_the_dashboard_says_so_and_why_and_there_are_no_sidecars()
    {
        await using var builder = await CreateBuilderAsync("--Dapr:Enabled=false");

        var status = builder.Resources.Single(r => r.Name == "dapr");
        var snapshot = status.Annotations.OfType<ResourceSnapshotAnnotation>().Single().InitialSnapshot;
        Assert.Equal("Off", snapshot.State?.Text);
        Assert.Equal("Dapr:Enabled=false is configured", snapshot.Properties.Single(p => p.Name == "reason").Value);
        Assert.DoesNotContain(builder.Resources, r => r.Name.EndsWith("-dapr", StringComparison.Ordinal) || r.Name == "dapr-placement");
    }

    [Fact]
    public async Task The_Dapr_transport_without_Dapr_stops_the_AppHost_with_one_sentence()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateBuilderAsync("--Dapr:Enabled=false", "--Messaging:Transport=dapr"));

        Assert.Contains("Messaging:Transport=dapr needs Dapr sidecars, but Dapr is off: Dapr:Enabled=false is configured.", error.ToString());
    }

    private static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(params string[] arguments)
    {
        using var cancellation = new CancellationTokenSource(Timeout);
        var dataPath = Path.Combine(Path.GetTempPath(), "taskflow-model-" + Guid.NewGuid().ToString("N")[..8]);
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
            ["--Infrastructure=local", $"--LocalData:Path={dataPath}", .. arguments], cancellation.Token);
    }

    /// <summary>The environment a resource's callbacks give in run mode, unevaluated.</summary>
    private static async Task<Dictionary<string, object>> EnvironmentAsync(IDistributedApplicationTestingBuilder builder, IResource resource)
    {
        var environment = new Dictionary<string, object>();
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
            await callback.Callback(new EnvironmentCallbackContext(builder.ExecutionContext, resource, environment));
        return environment;
    }
}
