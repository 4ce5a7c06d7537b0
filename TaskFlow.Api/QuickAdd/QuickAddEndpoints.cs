using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.QuickAdd;

/// <summary>The preview of a quick-add line: the task body it makes, the words that made each field, and its recurrence in words.</summary>
public sealed record QuickAddPreview(JsonObject Task, IReadOnlyList<QuickAddSpan> Understood, string DateOrder, string? RecurrenceWords)
{
    public static QuickAddPreview Of(QuickAddRequest request) => new(
        request.TaskBody, request.Result.Spans, request.DateOrder.ToWire(),
        request.TaskBody["recurrence"] is JsonValue rule && rule.TryGetValue<string>(out var text) ? TaskWords.Recurrence(text) : null);
}

/// <summary><c>POST /api/tasks/parse</c>: what a line would create, without creating it.</summary>
public static class QuickAddEndpoints
{
    public static RouteGroupBuilder MapQuickAddEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSignedInGroup("/api/tasks", "Tasks");
        group.MapPost("/parse", ParseAsync)
            .WithName("ParseTaskText")
            .WithSummary("Read a line of text into a task, creating nothing")
            .WithDescription("Answers the task body POST /api/tasks would take for the line, and which words set which field (start and length "
                + "in UTF-16 code units, as JavaScript counts). Understood: today, tonight, tomorrow, weekdays, this/next friday, next week/month, "
                + "in 3 days / 2 hours, dec 24, 24th of december, 2026-12-24, 12/24 or 24/12 (by locale), end of month, the 15th; at 5pm, 17:30, "
                + "at 9 (24-hour), noon, tomorrow morning; every day/weekday/weekend/monday/mon and thu/2 weeks on fri/month on the 1st/"
                + "last friday/year on mar 3/3 months, daily, weekly, monthly, yearly, until jun 1, for 5 times, starting monday; "
                + "!high/!medium/!low or p1-p3; #tag; @category; remind me 30 min before. A line that would make an invalid task gets "
                + "the 400 the task body would.")
            .Accepts<JsonObject>("application/json")
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = TaskRequestBodies.Parse.ToOpenApiSchema(context.Document) },
                    },
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    private static async Task<Results<Ok<QuickAddPreview>, ValidationProblem>> ParseAsync(HttpContext http, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await TaskInput.ReadBodyAsync(http.Request, cancellationToken);
        var input = QuickAddRequest.TaskInputOf(body, requireTitle: false, http.Request.Headers.AcceptLanguage, clock.GetUtcNow(), out var request);
        // An object without a text (and nothing else wrong with it) is no line to read.
        if (request is null && input.IsValid)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [QuickAddRequest.TextField] = ["The text is required: the task as one line."] });
        if (!input.IsValid || !input.FitsTask(task: null)) return TypedResults.ValidationProblem(input.Errors);
        return TypedResults.Ok(QuickAddPreview.Of(request!));
    }
}
