using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace TaskFlow.Api;

/// <summary>
/// Text a Postgres text column can hold. JSON and query strings can carry two kinds it cannot: the NUL character
/// (<c>\u0000</c>), which Postgres refuses, and a lone UTF-16 surrogate (<c>"\ud800"</c> in JSON), which has no UTF-8
/// form, so the driver cannot even send it. Both were 500s; every field checks here and answers a 400 naming itself.
/// (System.Text.Json does not decode a lone surrogate at all: a body bound to a record then fails to bind, which
/// ClientErrorHandler answers naming the field; the task bodies TaskInput reads are checked by <see cref="UndecodableProperty"/>.)
/// </summary>
public static class StorableText
{
    /// <summary>Why <paramref name="field"/> cannot be stored as given, or null when it can.</summary>
    public static string? Problem(string field, string text)
    {
        if (text.Contains('\0')) return $"The {field} must not contain the NUL character (\\u0000).";
        if (HasLoneSurrogate(text)) return LoneSurrogateProblem(field);
        return null;
    }

    private static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = text.IndexOfAnyInRange('\ud800', '\udfff'); i >= 0 && i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    /// <summary>
    /// The first property of <paramref name="body"/> holding a string System.Text.Json refuses to decode (an escape
    /// that makes a lone surrogate, "\ud800": GetString throws), found before any field is read; "body" when it is a
    /// property name. Null when every string decodes.
    /// </summary>
    public static string? UndecodableProperty(JsonElement body)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!TryDecode(() => property.Name)) return "body";
            if (!Decodable(property.Value)) return property.Name;
        }
        return null;
    }

    /// <summary>A validated member's name as clients write it ("RefreshToken" is refresh_token), for the sentences.</summary>
    internal static string WireName(ValidationContext context) => JsonNamingPolicy.SnakeCaseLower.ConvertName(context.MemberName ?? "value");

    /// <summary>A validation attribute's answer: success, or <paramref name="problem"/> on the validated member.</summary>
    internal static ValidationResult? Result(ValidationContext context, string? problem) =>
        problem is null ? ValidationResult.Success : new ValidationResult(problem, context.MemberName is { } member ? [member] : null);

    public static string LoneSurrogateProblem(string field) =>
        $"The {field} must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair).";

    private static bool Decodable(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => TryDecode(value.GetString),
        JsonValueKind.Array => value.EnumerateArray().All(Decodable),
        JsonValueKind.Object => value.EnumerateObject().All(p => TryDecode(() => p.Name) && Decodable(p.Value)),
        _ => true,
    };

    private static bool TryDecode(Func<string?> read)
    {
        try { read(); return true; }
        catch (InvalidOperationException) { return false; }
    }
}

/// <summary>
/// The framework's validation of <see cref="StorableText.Problem"/> for a bound string (a lone surrogate escape never
/// gets this far: System.Text.Json refuses to decode it while binding).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class StorableTextAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        StorableText.Result(context, value is string text ? StorableText.Problem(StorableText.WireName(context), text) : null);
}

/// <summary>
/// A required text field: a string of 1 to <paramref name="maxLength"/> characters that Postgres can store, each
/// problem in one sentence naming the field as it is on the wire.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class TextFieldAttribute(int maxLength) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context)
    {
        var field = StorableText.WireName(context);
        var problem = value switch
        {
            null or string { Length: 0 } => $"The {field} must be a non-empty string.",
            string { Length: var length } when length > maxLength => $"The {field} must be at most {maxLength} characters long.",
            string text => StorableText.Problem(field, text),
            _ => null,
        };
        return StorableText.Result(context, problem);
    }
}
