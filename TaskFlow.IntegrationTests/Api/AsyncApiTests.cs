using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>The Api's AsyncAPI document: what it says and that the official AsyncAPI parser accepts it.</summary>
public sealed class AsyncApiTests(TaskFlowServices app)
{
    private static readonly string Validator = Repository.PathOf("tools", "asyncapi-validate");

    [Fact]
    public async Task The_document_has_every_topic_with_its_partitions_retention_and_key_and_every_event_with_headers_schema_and_services()
    {
        var document = await DocumentAsync();

        Assert.Equal("3.0.0", document["asyncapi"]!.GetValue<string>());
        Assert.Equal(app.KafkaBootstrap, document["servers"]!["kafka"]!["host"]!.GetValue<string>());
        Assert.Equal("/v1.0/publish/pubsub-kafka", document["servers"]!["dapr"]!["pathname"]!.GetValue<string>());
        foreach (var topic in Topics.Catalog)
        {
            var kafka = document["channels"]![topic.Name]!["bindings"]!["kafka"]!;
            Assert.Equal(topic.Partitions, kafka["partitions"]!.GetValue<int>());
            Assert.Equal((long)topic.Retention.TotalMilliseconds, kafka["topicConfiguration"]!["retention.ms"]!.GetValue<long>());
        }
        foreach (var definition in EventCatalog.Events)
        {
            var id = $"{definition.Type}_v{definition.Version}";
            var message = document["components"]!["messages"]![id]!;
            Assert.Equal(definition.SchemaId, message["payload"]!["$id"]!.GetValue<string>());
            Assert.Equal("#/components/schemas/headers", message["headers"]!["$ref"]!.GetValue<string>());
            Assert.NotNull(document["channels"]![definition.Topic]!["messages"]![id]);
            foreach (var sender in definition.Senders)
                Assert.Contains(document["operations"]![$"{sender}.send.{definition.Topic}"]!["messages"]!.AsArray(), m => m!["$ref"]!.GetValue<string>().EndsWith("/" + id, StringComparison.Ordinal));
            foreach (var receiver in definition.Receivers)
                Assert.Equal("receive", document["operations"]![$"{receiver}.receive.{definition.Topic}"]!["action"]!.GetValue<string>());
        }
        Assert.Equal(["event_id", "event_type", "traceparent"], document["components"]!["schemas"]!["headers"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task The_official_AsyncAPI_parser_accepts_the_document()
    {
        var file = Path.Combine(Path.GetTempPath(), $"taskflow-asyncapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, (await DocumentAsync()).ToJsonString());
        try
        {
            await EnsureParserInstalledAsync();
            var (exitCode, output) = await RunAsync("node", [Path.Combine(Validator, "validate.mjs"), file], TimeSpan.FromMinutes(1));

            TestContext.Current.TestOutputHelper?.WriteLine(output);
            Assert.True(exitCode == 0, $"@asyncapi/parser rejects the document:\n{output}");
            Assert.Contains("valid AsyncAPI 3.0.0", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<JsonObject> DocumentAsync()
    {
        using var http = app.CreateApiClient();
        return (await http.GetFromJsonAsync<JsonObject>("/asyncapi/asyncapi.json"))!;
    }

    /// <summary>npm ci of tools/asyncapi-validate once (from its lock file), so the test command needs no step of its own.</summary>
    private static async Task EnsureParserInstalledAsync()
    {
        if (Directory.Exists(Path.Combine(Validator, "node_modules", "@asyncapi", "parser"))) return;
        var (exitCode, output) = await RunAsync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", Validator], TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"npm ci in {Validator} failed:\n{output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        using var cancellation = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = process.StandardError.ReadToEndAsync(cancellation.Token);
        await process.WaitForExitAsync(cancellation.Token);
        return (process.ExitCode, await output + await error);
    }
}
