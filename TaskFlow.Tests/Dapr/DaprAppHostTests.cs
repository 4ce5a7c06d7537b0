using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TaskFlow.AppHost;

namespace TaskFlow.Tests.Dapr;

/// <summary>The Dapr resources the AppHost declares, read from its app model and its published manifest (no start, no daprd).</summary>
public sealed class DaprAppHostTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_published_manifest_has_placement_and_a_sidecar_per_service()
    {
        var resources = await Deploy.PublishedManifestTests.PublishAsync("--Dapr:Enabled=true");

        var placement = resources["dapr-placement"]!;
        Assert.Equal("executable.v0", placement["type"]!.GetValue<string>());
        Assert.Equal(DaprBuilderExtensions.PlacementPort, placement["bindings"]!["grpc"]!["port"]!.GetValue<int>());
        foreach (var service in new[] { "api", "workers" })
        {
            var sidecar = resources[$"{service}-dapr"]!;
            var args = sidecar["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
            Assert.Equal("daprd", sidecar["command"]!.GetValue<string>());
            Assert.Equal(service, Option(args, "--app-id"));
            Assert.Equal($"{{{service}.bindings.http.targetPort}}", Option(args, "--app-port"));
            Assert.Equal($"{{{service}-dapr.bindings.http.targetPort}}", Option(args, "--dapr-http-port"));
            Assert.Equal($"{{{service}-dapr.bindings.grpc.targetPort}}", Option(args, "--dapr-grpc-port"));
            Assert.Equal("{dapr-placement.bindings.grpc.host}:{dapr-placement.bindings.grpc.port}", Option(args, "--placement-host-address"));
            Assert.Equal("config.yaml", Option(args, "--config"));
            Assert.Contains("components", args);
            Assert.EndsWith("dapr", sidecar["workingDirectory"]!.GetValue<string>());
            Assert.Equal("{kafka.connectionString}", sidecar["env"]!["TASKFLOW_KAFKA_BROKERS"]!.GetValue<string>());
            Assert.Equal("{internal-api-key.value}", sidecar["env"]!["APP_API_TOKEN"]!.GetValue<string>());
            Assert.Equal($"{{{service}-dapr.bindings.http.port}}", resources[service]!["env"]!["DAPR_HTTP_PORT"]!.GetValue<string>());
            Assert.Equal($"{{{service}-dapr.bindings.grpc.port}}", resources[service]!["env"]!["DAPR_GRPC_PORT"]!.GetValue<string>());
        }
        Assert.Equal(3500, resources["api-dapr"]!["bindings"]!["http"]!["port"]!.GetValue<int>());
        Assert.Null(resources["dapr"]);
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

    private static string Option(List<string> args, string name) => args[args.IndexOf(name) + 1];
}
