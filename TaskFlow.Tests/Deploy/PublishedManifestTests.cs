using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using TaskFlow.AppHost.Publishing;
using TaskFlow.Messaging.Dapr;

namespace TaskFlow.Tests.Deploy;

/// <summary>
/// What `--publisher manifest` writes is meant for a cluster: nothing of this machine in it (programs, paths, the dev
/// broker), no secret written out, Kafka reached through the listener clients in the cluster can use, the Api exposed.
/// </summary>
public sealed class PublishedManifestTests
{
    [Theory]
    [InlineData]
    [InlineData("--Infrastructure=local")]
    [InlineData("--Dapr:Enabled=true", "--Messaging:Transport=dapr")]
    [InlineData("--Dapr:Enabled=false")]
    public async Task The_manifest_holds_nothing_of_this_machine_and_no_literal_secret(params string[] arguments)
    {
        var resources = await PublishAsync(arguments);

        Assert.DoesNotContain(resources, r => r.Value!["type"]!.GetValue<string>().StartsWith("executable", StringComparison.Ordinal));
        foreach (var text in Strings(resources)) Assert.DoesNotContain("IsDevBroker", text, StringComparison.Ordinal);
        // Containers name paths inside their images (an entrypoint); nothing else may name one, nor mount this machine's.
        Assert.DoesNotContain(resources, r => r.Value!["bindMounts"] is JsonArray { Count: > 0 });
        var notContainers = resources.Where(r => r.Value!["type"]!.GetValue<string>() != "container.v0");
        foreach (var text in notContainers.SelectMany(r => Strings(r.Value)))
        {
            Assert.False(Path.IsPathRooted(text) && (File.Exists(text) || Directory.Exists(text)), $"a path of this machine: {text}");
            Assert.DoesNotContain(Path.GetTempPath(), text, StringComparison.Ordinal);
        }
        foreach (var (service, resource) in resources.Where(r => r.Value!["type"]!.GetValue<string>() == "project.v0"))
        {
            foreach (var (name, value) in resource!["env"]!.AsObject())
            {
                if (name.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase) || name.Contains("ApiKey", StringComparison.OrdinalIgnoreCase))
                    Assert.True(value!.GetValue<string>().StartsWith('{'), $"{service} {name} is written out: {value}");
            }
        }
        Assert.Equal("{kafka.bindings.internal.host}:{kafka.bindings.internal.port}", resources["kafka"]!["connectionString"]!.GetValue<string>());
        Assert.Equal("{kafka.bindings.schema-registry.url}", resources["schema-registry"]!["connectionString"]!.GetValue<string>());
        Assert.True(resources["api"]!["bindings"]!["http"]!["external"]?.GetValue<bool>(), "the api endpoint is not external");
    }

    [Theory]
    [InlineData]
    [InlineData("--Dapr:Enabled=true")]
    public async Task Each_service_s_sidecar_is_described_for_the_cluster_s_dapr_control_plane(params string[] arguments)
    {
        var resources = await PublishAsync(arguments);

        Assert.DoesNotContain(resources, r => r.Key.Contains("placement", StringComparison.Ordinal));
        var configuration = DaprKinds.LoadFile(Repository.PathOf("dapr", "config.yaml")).OfType<DaprConfiguration>().Single().Metadata.Name;
        foreach (var service in new[] { "api", "workers" })
        {
            var sidecar = resources[$"{service}-dapr"]!;
            Assert.Equal("dapr.v0", sidecar["type"]!.GetValue<string>());
            var dapr = sidecar["dapr"]!;
            Assert.Equal(service, dapr["appId"]!.GetValue<string>());
            Assert.Equal($"{{{service}.bindings.http.targetPort}}", dapr["appPort"]!.GetValue<string>());
            Assert.Equal(configuration, dapr["config"]!.GetValue<string>());
            Assert.Equal(new[] { DaprSidecar.PubSubName, DaprSidecar.StateStoreName }, dapr["components"]!.AsArray().Select(c => c!.GetValue<string>()));
            // The sidecar injector tells the app where its sidecar listens; a manifest value would be another port.
            Assert.DoesNotContain(EnvironmentNames(resources[service]!), name => name.StartsWith("DAPR_", StringComparison.Ordinal));
        }
    }

    /// <summary>The AppHost's published manifest's resources, written with <paramref name="arguments"/> to a folder deleted after.</summary>
    public static async Task<JsonObject> PublishAsync(params string[] arguments)
    {
        var output = Path.Combine(Path.GetTempPath(), "taskflow-manifest-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
                ["--publisher", "manifest", "--output-path", Path.Combine(output, "aspire-manifest.json"), .. arguments], cancellation.Token);
            await using (var app = await builder.BuildAsync(cancellation.Token))
            {
                await app.RunAsync(cancellation.Token);
            }
            return JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "aspire-manifest.json")))!["resources"]!.AsObject();
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private static IEnumerable<string> EnvironmentNames(JsonNode project) => project["env"]!.AsObject().Select(e => e.Key);

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };
}
