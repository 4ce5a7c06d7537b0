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
            else errors["time_zone"] = [TaskTime.UnknownZoneProblem];
        }

        var order = DateOrderOf(acceptLanguage);
        if (body[LocaleField] is { } localeNode
            && (localeNode is not JsonValue locale || locale.GetValueKind() != JsonValueKind.String || !Words.TryDateOrder(locale.GetValue<string>(), out order)))
            errors[LocaleField] = ["The locale must be a known BCP 47 locale, like en-US, en-GB or de-DE."];

        if (errors.Count > 0) return null;
        var result = QuickAddParser.Parse(text!, new QuickAddContext(now, timeZone, order));
        var taskBody = result.ToTaskBody();
        foreach (var (name, value) in body)
        {
            if (name is not (TextField or LocaleField)) taskBody[name] = value?.DeepClone();
        }
        return new QuickAddRequest(result, order, taskBody);
    }

    /// <summary>The task the request makes, through the task body's own reader (and so its checks).</summary>
    public TaskInput ToTaskInput(byte[]? sentBody = null) =>
        TaskInput.Parse(JsonSerializer.SerializeToUtf8Bytes(TaskBody), requireTitle: true, sentBody);

    /// <summary>
    /// The task a body asks for: its quick-add line read into fields (the fields sent beside it winning) and
    /// <paramref name="request"/> the line read, or the plain task body (title required as
    /// <paramref name="requireTitle"/> says) and no request. The body is parsed once either way.
    /// </summary>
    public static TaskInput TaskInputOf(byte[] body, bool requireTitle, string? acceptLanguage, DateTimeOffset now, out QuickAddRequest? request)
    {
        QuickAddRequest? read = null;
        var input = TaskInput.Parse(body, requireTitle, readInstead: root => root.TryGetProperty(TextField, out _)
            ? (read = Read(JsonObject.Create(root)!, acceptLanguage, now, out var errors))?.ToTaskInput(sentBody: body) ?? TaskInput.WithErrors(errors)
            : null);
        request = read;
        return input;
    }

    /// <summary>How numeric dates read for a request's Accept-Language ("en-GB,en;q=0.9" reads day first); en-US's way when it names no known locale.</summary>
    public static DateOrder DateOrderOf(string? acceptLanguage) =>
        acceptLanguage?.Split(',')[0].Split(';')[0].Trim() is { Length: > 0 and <= 35 } language && language != "*" && Words.TryDateOrder(language, out var order)
            ? order
            : DateOrder.MonthFirst;
}
