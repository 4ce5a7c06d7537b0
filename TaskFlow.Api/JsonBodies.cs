using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Api;

public static class JsonBodies
{
    /// <summary>
    /// The answer to a request without the body its endpoint binds (bound as optional, so the answer can say what to
    /// send instead of the framework's sentence about parameters). A body that is there but does not fit is answered
    /// by ClientErrorHandler and the framework's validation.
    /// </summary>
    public static ValidationProblem Missing(string expected) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"Send {expected} as JSON."] });
}
