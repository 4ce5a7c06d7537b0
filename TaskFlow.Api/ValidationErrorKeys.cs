using System.Text.Json;

namespace TaskFlow.Api;

/// <summary>
/// The framework's validation (AddValidation) keys its errors by C# property name ("Minutes"), whatever the JSON
/// names are; clients send and read snake_case ("minutes", "remind_at"). Every validation problem's keys are put in
/// the wire's naming here, once; keys already named that way (every one the endpoints write themselves) stay as they are.
/// </summary>
public static class ValidationErrorKeys
{
    public static void NameAsOnTheWire(ProblemDetailsContext context)
    {
        if (context.ProblemDetails is not HttpValidationProblemDetails { Errors: { Count: > 0 } errors }) return;
        foreach (var key in errors.Keys.Where(key => key.Any(char.IsUpper)).ToList())
        {
            var wireName = JsonNamingPolicy.SnakeCaseLower.ConvertName(key);
            errors[wireName] = errors.TryGetValue(wireName, out var already) ? [.. already, .. errors[key]] : errors[key];
            errors.Remove(key);
        }
    }
}
