using System.Text.Json.Nodes;

namespace TaskFlow.UnitTests.Events.Contracts;

/// <summary>
/// What a new schema of one event version breaks for the readers of the old one (BACKWARD_TRANSITIVE with a closed
/// content model, the level TaskFlow registers): a field removed or renamed, a type or format changed, a field made
/// required or a new required field, a closed object opened or the other way round. Adding an optional field and
/// changing a title or description break nothing. Used by the snapshot test and the in-test schema registry alike.
/// </summary>
public static class SchemaCompatibility
{
    private static readonly HashSet<string> Annotations = ["title", "description", "$comment", "examples"];

    public static List<string> BreakingChanges(JsonNode? old, JsonNode? @new)
    {
        var changes = new List<string>();
        Compare(old, @new, "", changes);
        return changes;
    }

    private static void Compare(JsonNode? old, JsonNode? @new, string path, List<string> changes)
    {
        if (old is not JsonObject oldObject || @new is not JsonObject newObject)
        {
            if (!JsonNode.DeepEquals(old, @new)) changes.Add($"changes {Name(path)}");
            return;
        }

        // One branch per event of a topic's subject schema, matched by $id: a branch gone leaves old events unread.
        if (oldObject["oneOf"] is JsonArray oldBranches && newObject["oneOf"] is JsonArray newBranches)
        {
            var byId = newBranches.OfType<JsonObject>().Where(b => b["$id"] is not null).ToDictionary(b => b["$id"]!.GetValue<string>());
            foreach (var branch in oldBranches.OfType<JsonObject>())
            {
                var id = branch["$id"]?.GetValue<string>() ?? "";
                if (byId.TryGetValue(id, out var match))
                {
                    var inBranch = new List<string>();
                    Compare(branch, match, path, inBranch);
                    changes.AddRange(inBranch.Select(change => $"{change} in {id}"));
                }
                else changes.Add($"removes {id}");
            }
            return;
        }

        var oldProperties = oldObject["properties"] as JsonObject;
        var newProperties = newObject["properties"] as JsonObject;
        if (oldProperties is not null || newProperties is not null)
        {
            oldProperties ??= [];
            newProperties ??= [];
            var oldRequired = Required(oldObject);
            var newRequired = Required(newObject);
            foreach (var (name, oldProperty) in oldProperties)
            {
                if (!newProperties.ContainsKey(name)) changes.Add($"removes {Name(path, name)}");
                else
                {
                    if (newRequired.Contains(name) && !oldRequired.Contains(name)) changes.Add($"makes {Name(path, name)} required");
                    Compare(oldProperty, newProperties[name], Join(path, name), changes);
                }
            }
            foreach (var (name, _) in newProperties)
            {
                if (!oldProperties.ContainsKey(name) && newRequired.Contains(name)) changes.Add($"adds the required field {Name(path, name)}");
            }
        }

        foreach (var keyword in oldObject.Select(p => p.Key).Union(newObject.Select(p => p.Key)))
        {
            if (keyword is "properties" or "required" || Annotations.Contains(keyword)) continue;
            if (keyword is "items" or "additionalProperties" && oldObject[keyword] is JsonObject && newObject[keyword] is JsonObject)
            {
                Compare(oldObject[keyword], newObject[keyword], Join(path, keyword == "items" ? "[]" : "{}"), changes);
                continue;
            }
            if (!JsonNode.DeepEquals(oldObject[keyword], newObject[keyword]))
                changes.Add($"changes {keyword} of {Name(path)} from {Text(oldObject[keyword])} to {Text(newObject[keyword])}");
        }
    }

    private static HashSet<string> Required(JsonObject schema) =>
        (schema["required"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToHashSet() ?? [];

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Name(string path, string name) => Join(path, name);

    private static string Name(string path) => path.Length == 0 ? "the event" : path;

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "(absent)";
}
