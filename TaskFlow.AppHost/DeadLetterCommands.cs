using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFlow.AppHost;

/// <summary>
/// The dead-letter operations as commands on the workers resource in the Aspire dashboard (run mode): list, re-drive
/// all of a topic, purge all of a topic. Each calls the Workers' internal endpoints (/internal/dead-letters) with the
/// internal key, naming the dashboard as the operator; one letter at a time is the <c>dlq</c> command's (README, "Dead
/// letters").
/// </summary>
internal static class DeadLetterCommands
{
    // The Workers' headers (DeadLetterEndpoints.OperatorHeader, InternalApi.KeyHeader): the AppHost references the
    // services as resources, not as libraries. TaskFlow.Tests/EndToEnd/DeadLetterCommandTests runs these commands
    // against the real Workers, so a drift fails there.
    private const string OperatorHeader = "X-TaskFlow-Operator";
    private const string InternalKeyHeader = "X-TaskFlow-Internal-Key";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static IResourceBuilder<ProjectResource> WithDeadLetterCommands(this IResourceBuilder<ProjectResource> workers, IResourceBuilder<ParameterResource> internalApiKey)
    {
        var endpoint = workers.GetEndpoint("http");
        workers.WithCommand("dead-letters-list", "List dead letters",
            context => RunAsync(endpoint, internalApiKey, HttpMethod.Get, "/internal/dead-letters", ListResult, context.CancellationToken),
            new CommandOptions { Description = "Lists the messages consumers parked on the .dlq topics and have not been re-driven or purged.", IconName = "MailInboxDismiss" });
        foreach (var (action, label, confirmation) in new[]
        {
            ("redrive", "Re-drive dead letters", "Send every parked message of this topic back to it? Consumers that handled an event before skip it by id."),
            ("purge", "Purge dead letters", "Drop every parked message of this topic from the list? They are not handled."),
        })
        {
            workers.WithCommand($"dead-letters-{action}", label,
                context => RunAsync(endpoint, internalApiKey, HttpMethod.Post,
                    $"/internal/dead-letters/{action}?topic={Uri.EscapeDataString(context.Arguments.GetString("topic") ?? "")}", ActionResult, context.CancellationToken),
                new CommandOptions
                {
                    Description = $"{label} of one topic (the Workers' dlq command does one at a time).",
                    ConfirmationMessage = confirmation,
                    Arguments =
                    [
                        new InteractionInput
                        {
                            Name = "topic",
                            Label = "Topic",
                            // Text, not a choice: the topic catalog is the services' (TaskFlow.Messaging), and the Workers
                            // answer a name outside it with the names in it.
                            InputType = InputType.Text,
                            Required = true,
                            Placeholder = "task-events",
                        },
                    ],
                });
        }
        return workers;
    }

    private static async Task<ExecuteCommandResult> RunAsync(EndpointReference endpoint, IResourceBuilder<ParameterResource> internalApiKey, HttpMethod method, string path,
        Func<JsonNode, (string Summary, string Details)> describe, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(endpoint.Url), path));
        request.Headers.Add(InternalKeyHeader, await internalApiKey.Resource.GetValueAsync(cancellationToken));
        request.Headers.Add(OperatorHeader, $"Aspire dashboard ({Environment.UserName})");
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
            if (!response.IsSuccessStatusCode)
                return CommandResults.Failure($"{(int)response.StatusCode}: {body?["detail"] ?? body?.ToJsonString()}");
            var (summary, details) = describe(body!);
            return CommandResults.Success(summary, details, CommandResultFormat.Markdown);
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException)
        {
            return CommandResults.Failure($"The Workers did not answer as expected: {exception.Message}");
        }
    }

    private static (string, string) ListResult(JsonNode views)
    {
        var rows = views.AsArray();
        if (rows.Count == 0) return ("No dead letters.", "No dead letters.");
        var text = new StringBuilder("| id | event | group | tries | first failed | error |\n|---|---|---|---|---|---|\n");
        foreach (var letter in rows.Select(row => row!["letter"]!))
            text.Append($"| {letter["id"]} | {letter["event_type"]} {letter["event_version"]} | {letter["consumer_group"]} | {letter["attempts"]} | {letter["first_failed_at"]} | {Cell(letter["error"])} |\n");
        return ($"{rows.Count} dead letter(s)", text.ToString());
    }

    private static (string, string) ActionResult(JsonNode results)
    {
        var rows = results.AsArray();
        if (rows.Count == 0) return ("Nothing parked on that topic.", "Nothing parked on that topic.");
        var done = rows.Count(row => row!["outcome"]?.ToString() is "redriven" or "purged");
        return ($"{done} of {rows.Count} done", string.Join("\n", rows.Select(row => $"- {row!["outcome"]}: {row["detail"]}")));
    }

    private static string Cell(JsonNode? value) => (value?.ToString() ?? "").ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
