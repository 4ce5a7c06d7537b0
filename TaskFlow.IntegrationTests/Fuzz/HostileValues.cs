using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Fuzz;

/// <summary>
/// Values a careless client or an attacker sends, drawn from one seeded <see cref="Random"/> so that a run can be
/// repeated exactly: wrong types, nulls, sizes, unicode edge cases, numeric and date extremes, and values that fit a
/// schema but sit at its edges. Strings here are JSON text fragments where they must carry what a .NET string cannot
/// (a lone surrogate escape), so bodies are written as text, not serialized from nodes.
/// </summary>
public sealed class HostileValues(Random random)
{
    private static readonly string[] Strings =
    [
        "", " ", "a", "null", "true", "0", "-1", "1e309", "NaN", "Infinity", "0x7fffffff",
        "\u0000", "a\u0000b", "\r\n", "line\r\nX-Injected: 1", "\t", "\u001b[31m", "\u007f", "\u0085",
        "\u200b", "\u202e", "\ufeff", "\uffff", "\ufffd", "e\u0301", "İ", "ß", "ＡＢＣ", "👩‍👩‍👧‍👦", "🙂",
        "<script>alert(1)</script>", "' OR 1=1 --", "\"; DROP TABLE tasks; --", "${jndi:ldap://x}", "{{7*7}}",
        "%s%s%n", "%00", "%2e%2e%2f", "../../../../etc/passwd", "..\\..\\windows", "/", "//", "\\",
        "http://127.0.0.1/", "https://[::1]/", "file:///etc/passwd", "javascript:alert(1)", "mailto:a@b",
        "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "0000-00-00", "-2026-01-01", "+275760-09-13",
        "2026-12-01T09:00:00", "2026-12-01T25:00:00Z", "2026-12-01T09:00:00+99:00", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999999Z", "1970-01-01T00:00:00Z", "P", "PT", "P-1D", "PT0S", "P99999999Y", "P10675200D",
        "FREQ=DAILY;INTERVAL=2147483648", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=SECONDLY", "RRULE:",
        "Mars/Olympus", "UTC", "Etc/GMT+14", "../zoneinfo", "Europe/Berlin\u0000",
        "pending", "in_progress", "completed", "PENDING", "low", "high", "urgent",
        "-due", "due", "-priority", "title,created", "00000000-0000-0000-0000-000000000000",
    ];

    /// <summary>JSON string literals no .NET string can hold: lone UTF-16 surrogates.</summary>
    private static readonly string[] LoneSurrogateLiterals = ["\"\\ud800\"", "\"x\\udfff\"", "\"\\udc00\\ud800\"", "\"\\ud83d\""];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e308", "-1e308", "1e-320", "1.5", "0.1", "99999999999999999999999999999",
        "9007199254740993", "1E2", "10080", "10081", "200", "201",
    ];

    public int Next(int max) => random.Next(max);

    public bool Chance(double probability) => random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>Any hostile JSON value, as JSON text.</summary>
    public string AnyJson(int depth = 0) => random.Next(12) switch
    {
        0 => "null",
        1 => Pick(["true", "false"]),
        2 or 3 => Pick(Numbers),
        4 => Pick(LoneSurrogateLiterals),
        5 => Quote(LongString()),
        6 when depth < 3 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => AnyJson(depth + 1))) + "]",
        7 when depth < 3 => "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Quote(Pick(Strings)) + ":" + AnyJson(depth + 1))) + "}",
        _ => Quote(Pick(Strings)),
    };

    /// <summary>Any hostile text for a path segment or query value (before URL encoding).</summary>
    public string AnyText() => random.Next(6) switch
    {
        0 => Pick(Numbers),
        1 => LongString(),
        _ => Pick(Strings),
    };

    /// <summary>Up to 64 KB usually, now and then a megabyte (within Kestrel's 30 MB body limit, and fast enough).</summary>
    public string LongString() => string.Concat(Enumerable.Repeat(Pick(["a", " ", "é", "€", "🙂"]),
        // 60 000 characters: far past every field's limit, and under the Api's 1 MiB body limit even as 12-byte
        // escapes (what is past that limit is refused before it is read: TaskWriteTests covers it).
        Chance(0.05) ? 60_000 : Pick([100, 101, 200, 201, 256, 257, 500, 501, 2049, 4001, 65_536])));

    /// <summary>A body that is not a well-formed JSON document, as bytes.</summary>
    public byte[] MalformedBody() => random.Next(8) switch
    {
        0 => "{"u8.ToArray(),
        1 => "{\"title\":"u8.ToArray(),
        2 => "{\"title\":\"unterminated"u8.ToArray(),
        3 => "{\"title\":\"a\",}"u8.ToArray(),
        4 => [.. "{\"title\":\""u8, 0xff, 0xfe, 0xc3, .. "\"}"u8],
        5 => Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)),
        6 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3000)),
        _ => [],
    };

    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>
    /// A value for <paramref name="schema"/>: each value is a hostile one with <paramref name="hostileChance"/>, else
    /// one that fits (by the property's name where the schema says little), so that requests with few or no hostile
    /// parts get past the first check and reach deeper code. Objects carry a random part of their properties.
    /// </summary>
    public string ForSchema(JsonNode? schema, JsonObject components, double hostileChance, string? name = null, int depth = 0)
    {
        schema = Resolve(schema, components);
        if (schema is null || depth > 4 || Chance(hostileChance)) return AnyJson();
        if (name is not null && FittingByName(name) is { } byName) return byName;
        if (schema["enum"] is JsonArray values && values.Count > 0) return values[random.Next(values.Count)]!.ToJsonString();
        var type = Types(schema).Where(t => t != "null").DefaultIfEmpty("string").First();
        return type switch
        {
            "object" => "{" + string.Join(",", (schema["properties"] as JsonObject ?? [])
                .Where(p => p.Key is "title" or "email" or "password" or "url" or "secret" or "message" or "refresh_token" || Chance(0.4))
                .Select(p => Quote(p.Key) + ":" + ForSchema(p.Value, components, hostileChance, p.Key, depth + 1))) + "}",
            "array" => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => ForSchema(schema["items"], components, hostileChance, null, depth + 1))) + "]",
            "integer" => Pick(["1", "2", "3", "0", "-1", "50", "2147483647"]),
            "number" => Pick(["1", "0.5", "-1"]),
            "boolean" => Pick(["true", "false"]),
            _ => Quote(schema["format"]?.GetValue<string>() switch
            {
                "date-time" => Future(),
                "date" => Future()[..10],
                "uuid" => Guid.NewGuid().ToString(),
                _ => "Fuzzed",
            }),
        };
    }

    private string Future() =>
        DateTimeOffset.UtcNow.AddMinutes(random.Next(1, 60 * 24 * 60)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A value that fits a property TaskFlow's bodies and tools have, by its name.</summary>
    private string? FittingByName(string name) => name switch
    {
        "title" => Quote(Pick(["Fuzzed task", "Call mum 🙂", "Ünïcödé"])),
        "description" => Quote(Pick(["", "Some words", string.Concat(LongString().Take(4000))])),
        "category" => Quote(Pick(["work", "home", "Ärger"])),
        "tags" => Pick(["[]", "[\"a\"]", "[\"work\",\"urgent\"]"]),
        "due_date" => Quote(Future()[..10]),
        "due_at" or "remind_at" or "until" => Quote(Future()),
        "remind_before" => Quote(Pick(["PT15M", "P1D", "PT0S"])),
        "time_zone" => Quote(Pick(["UTC", "Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns"])),
        "recurrence" => Quote(Pick(["daily", "weekdays", "every 3 days", "FREQ=MONTHLY;BYDAY=+5FR", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO", "FREQ=DAILY;COUNT=2"])),
        "email" => Quote($"fuzz-{random.Next():x}@example.test"),
        "password" => Quote("Correct-Horse-9"),
        "url" => Quote(Pick(["https://hooks.example.test/x", "http://hooks.example.invalid/"])),
        "secret" => Quote("a-long-enough-secret!"),
        "message" => Quote(Pick(["hello", "call list_tasks {}", "call add_task {\"title\":\"from chat\"}"])),
        "minutes" => Pick(["1", "10", "10080"]),
        "task_id" => Pick(["1", "2", "3"]),
        // Query parameters.
        "sort" => Quote(Pick(["due", "-due", "priority", "-created_at", "updated_at", "title"])),
        "limit" => Quote(Pick(["1", "10", "200"])),
        "q" or "tag" => Quote(Pick(["task", "work", "ü"])),
        "due_before" or "due_after" => Quote(Future()),
        "overdue" or "unread" => Quote(Pick(["true", "false"])),
        _ => null,
    };

    public static JsonNode? Resolve(JsonNode? schema, JsonObject components)
    {
        for (var hops = 0; hops < 10 && schema?["$ref"]?.GetValue<string>() is { } reference; hops++)
            schema = components["schemas"]?[reference.Split('/')[^1]];
        return schema;
    }

    public static IEnumerable<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()),
        JsonValue one => [one.GetValue<string>()],
        _ => schema["properties"] is not null ? ["object"] : [],
    };
}
