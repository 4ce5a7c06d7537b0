using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.QuickAdd;

/// <summary>
/// A request that gives a task as a line of text: <c>text</c>, read in <c>time_zone</c> (default UTC) and
/// <c>locale</c> (the order of numeric dates; default the request's Accept-Language, then en-US), beside any task
/// fields, which win over what the text says. Both <c>POST /api/tasks/parse</c> and <c>POST /api/tasks</c> with a
/// <c>text</c> read it here, and so do the agent tools.
/// </summary>
public sealed record QuickAddRequest(QuickAddResult Result, DateOrder DateOrder, JsonObject TaskBody)
{
    public const string TextField = "text";
    public const string LocaleField = "locale";
    public const int TextMaxLength = 1000;
    public const string DefaultLocale = "en-US";

    /// <summary>The JSON Schema of the quick-add fields (for the OpenAPI bodies and the agent tools).</summary>
    public static JsonObject TextSchema => new()
    {
        ["type"] = "string",
        ["minLength"] = 1,
        ["maxLength"] = TextMaxLength,
        ["description"] = "The task as one line, e.g. \"Pay rent every month on the 1st at 9am #bills !high\": dates, times, recurrences "
            + "(every ...), remind me N min before, !high/!low or p1-p3, #tags and @category are read into the task's fields; "
            + "what is not understood stays in the title. Fields sent beside it win over what it says.",
    };

    public static JsonObject LocaleSchema => new()
    {
        ["type"] = "string",
        ["description"] = "BCP 47 locale that decides how numeric dates read (12/11 is December 11 in en-US, 12 November in en-GB); "
            + "default: the request's Accept-Language, else en-US.",
    };

    /// <summary>
    /// The body's quick-add request, when it is a JSON object with a <c>text</c>; null for any other body (a plain task
    /// body, or one the task body reader will reject and name the problem of).
    /// </summary>
    public static JsonObject? TextBody(byte[] body)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(TextField, out _) || StorableText.UndecodableProperty(root) is not null)
                return null;
            return JsonNode.Parse(body)!.AsObject();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads the text in its zone and locale; <paramref name="errors"/> names each bad quick-add field otherwise.</summary>
    public static QuickAddRequest? Read(JsonObject body, string? acceptLanguage, DateTimeOffset now, out Dictionary<string, string[]> errors)
    {
        errors = [];
        string? text = null;
        if (body[TextField] is JsonValue textValue && textValue.GetValueKind() == JsonValueKind.String)
        {
            text = textValue.GetValue<string>();
            if (text.Trim().Length == 0) errors[TextField] = ["The text must not be blank."];
            else if (text.Length > TextMaxLength) errors[TextField] = [$"The text must be at most {TextMaxLength} characters (got {text.Length})."];
            else if (StorableText.Problem(TextField, text) is { } problem) errors[TextField] = [problem];
        }
        else errors[TextField] = ["The text must be a string: the task as one line."];

        var timeZone = TaskTime.DefaultTimeZone;
        if (body["time_zone"] is { } zoneNode)
        {
            if (zoneNode is JsonValue zone && zone.GetValueKind() == JsonValueKind.String && TaskTime.IsKnownTimeZone(zone.GetValue<string>()))
                timeZone = zone.GetValue<string>();
            else errors["time_zone"] = ["The time_zone must be an IANA time zone name, like Europe/Berlin or UTC."];
        }

        var order = DateOrder.MonthFirst;
        if (body[LocaleField] is { } localeNode)
        {
            if (localeNode is not JsonValue locale || locale.GetValueKind() != JsonValueKind.String || !Words.TryDateOrder(locale.GetValue<string>(), out order))
                errors[LocaleField] = ["The locale must be a known BCP 47 locale, like en-US, en-GB or de-DE."];
        }
        else if (FirstLanguage(acceptLanguage) is { } language && Words.TryDateOrder(language, out var headerOrder)) order = headerOrder;

        if (errors.Count > 0) return null;
        var result = QuickAddParser.Parse(text!, new QuickAddContext(now, timeZone, order));
        var taskBody = result.ToTaskBody();
        foreach (var (name, value) in body)
        {
            if (name is not (TextField or LocaleField)) taskBody[name] = value?.DeepClone();
        }
        return new QuickAddRequest(result, order, taskBody);
    }

    /// <summary>
    /// The task a create body asks for: its quick-add line read into fields (the fields sent beside it winning), or
    /// the plain task body.
    /// </summary>
    public static TaskInput TaskInputOf(byte[] body, string? acceptLanguage, DateTimeOffset now)
    {
        if (TextBody(body) is not { } textBody) return TaskInput.Parse(body, requireTitle: true);
        return Read(textBody, acceptLanguage, now, out var errors) is { } request
            ? TaskInput.Parse(JsonSerializer.SerializeToUtf8Bytes(request.TaskBody), requireTitle: true, sentBody: body)
            : TaskInput.WithErrors(errors);
    }

    /// <summary>The first language of an Accept-Language header ("en-GB,en;q=0.9" gives en-GB).</summary>
    private static string? FirstLanguage(string? acceptLanguage) =>
        acceptLanguage?.Split(',')[0].Split(';')[0].Trim() is { Length: > 0 and <= 35 } language && language != "*" ? language : null;
}
