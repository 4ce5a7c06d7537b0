using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Events.Contracts;

/// <summary>
/// schemas/events/ is the committed contract: each catalog event's schema there must be the one its record generates.
/// A compatible change (a new optional field) needs the file rewritten: <c>TASKFLOW_WRITE_SCHEMAS=1</c> does it. A
/// change that breaks readers fails with what it breaks and says to add a new version instead.
/// </summary>
public sealed class EventContractTests
{
    public const string WriteSetting = "TASKFLOW_WRITE_SCHEMAS";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> Events => new(EventCatalog.Events.Select(e => (e.Type, e.Version)));

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_event_s_committed_schema_is_the_one_its_record_generates(string type, string version)
    {
        var definition = EventCatalog.Events.Single(e => e.Type == type && e.Version == version);
        var generated = EventSchemas.Generate(definition);
        var file = Repository.PathOf(definition.SchemaPath);
        var write = Environment.GetEnvironmentVariable(WriteSetting) == "1";

        if (!File.Exists(file))
        {
            Assert.True(write, $"{definition.SchemaPath} is missing: run the tests once with {WriteSetting}=1 and commit it.");
            Write(file, generated);
            return;
        }

        var committed = JsonNode.Parse(File.ReadAllText(file));
        if (JsonNode.DeepEquals(committed, generated)) return;

        var breaking = SchemaCompatibility.BreakingChanges(committed, generated);
        Assert.True(breaking.Count == 0,
            $"{type} {version} was changed in a way that breaks its readers: it {string.Join("; ", breaking)}. Events of {version} " +
            $"stay on the topics for their retention and are read by services deployed before this change, so keep its record as " +
            $"it was and add a new version instead: a new record, an EventCatalog entry ({type} 2.0) beside the old one and its " +
            $"schema, and a reader for it (see README, \"Events\").");
        Assert.True(write, $"{definition.SchemaPath} is out of date with a compatible change of its record: run the tests once with {WriteSetting}=1 and commit it.");
        Write(file, generated);
    }

    [Fact]
    public void Every_committed_schema_belongs_to_an_event_of_the_catalog()
    {
        var known = EventCatalog.Events.Select(e => Repository.PathOf(e.SchemaPath)).ToHashSet();
        var files = Directory.EnumerateFiles(Repository.PathOf("schemas", "events"), "*.json", SearchOption.AllDirectories);
        Assert.All(files, file => Assert.True(known.Contains(file), $"{file} is no event of EventCatalog; an old version stays listed there while its events are retained."));
    }

    [Fact]
    public void A_removed_renamed_or_retyped_field_or_a_new_required_one_breaks_readers_and_a_new_optional_field_does_not()
    {
        var original = EventSchemas.Generate(EventCatalog.Events.Single(e => e.Type == TaskEventTypes.Created));
        JsonObject Data(JsonNode schema) => schema["properties"]!["data"]!["properties"]!.AsObject();
        JsonArray Required(JsonNode schema) => schema["properties"]!["data"]!["required"]!.AsArray();

        var removed = original.DeepClone();
        Data(removed).Remove("title");
        Assert.Contains("removes data.title", SchemaCompatibility.BreakingChanges(original, removed));

        var renamed = original.DeepClone();
        Data(renamed)["name"] = Data(renamed)["title"]!.DeepClone();
        Data(renamed).Remove("title");
        Assert.Contains("removes data.title", SchemaCompatibility.BreakingChanges(original, renamed));

        var retyped = original.DeepClone();
        Data(retyped)["task_id"] = new JsonObject { ["type"] = "string" };
        Assert.Contains(SchemaCompatibility.BreakingChanges(original, retyped), change => change.StartsWith("changes type of data.task_id", StringComparison.Ordinal));

        var newRequired = original.DeepClone();
        Data(newRequired)["estimate_minutes"] = new JsonObject { ["type"] = "integer" };
        Required(newRequired).Add("estimate_minutes");
        Assert.Contains("adds the required field data.estimate_minutes", SchemaCompatibility.BreakingChanges(original, newRequired));

        var newOptional = original.DeepClone();
        Data(newOptional)["estimate_minutes"] = new JsonObject { ["type"] = new JsonArray("integer", "null") };
        Assert.Empty(SchemaCompatibility.BreakingChanges(original, newOptional));
    }

    /// <summary>README's rule for evolving an event: a field added with a default value is optional, one without is required.</summary>
    [Fact]
    public void A_field_added_with_a_default_value_is_optional_and_one_without_is_required()
    {
        var required = EventSchemas.SchemaOf(typeof(WithAddedFields))["required"]!.AsArray().Select(n => n!.GetValue<string>());

        Assert.Equal(["task_id", "nullable_without_default"], required);
    }

    private sealed record WithAddedFields(int TaskId, string? NullableWithoutDefault, int? EstimateMinutes = null, bool Pinned = false);

    private static void Write(string file, JsonNode schema)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, schema.ToJsonString(Indented) + "\n");
    }
}
