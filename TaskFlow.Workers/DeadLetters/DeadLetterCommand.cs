using System.Data.Common;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using TaskFlow.Messaging;
using TaskFlow.Messaging.DeadLetters;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Workers.DeadLetters;

/// <summary>
/// <c>dotnet TaskFlow.Workers.dll dlq list|show|redrive|purge ...</c>: the dead-letter operations from a shell, with the
/// service's own settings (in a pod: <c>kubectl exec deploy/workers -- dotnet TaskFlow.Workers.dll dlq list</c>, or the
/// Job in deploy/kubernetes). Output goes to stdout, logs (the audit line of each action) to stderr. Exit code 0 when
/// everything asked for was done, 1 when some was not (still parked, not found), 2 for a command it does not understand.
/// </summary>
public static class DeadLetterCommand
{
    public const string Verb = "dlq";

    public const string Usage = """
        Usage: dotnet TaskFlow.Workers.dll dlq <command>
          list [--topic TOPIC] [--all] [--json]      parked dead letters (--all: also re-driven and purged ones)
          show ID                                    one dead letter, with its message (ID: task-events.dlq/1/42)
          redrive (ID | --topic TOPIC --all) [--operator NAME]
                                                     send back to its source topic (same key, event id, trace)
          purge (ID | --topic TOPIC --all) [--operator NAME]
                                                     drop from the parked ones
        TOPIC: task-events, reminders or task-updates. NAME defaults to USER@HOST.
        """;

    private static readonly JsonSerializerOptions Json = new(EventJson.Options) { WriteIndented = true };

    public static bool IsInvoked(string[] args) => args is [Verb, ..];

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args.Skip(1));
        if (arguments.Problem is { } problem) return Fail(output, problem);
        if (arguments.Command is not ("list" or "show" or "redrive" or "purge"))
            return Fail(output, arguments.Command is null ? "No command given." : $"There is no command '{arguments.Command}'.");

        try
        {
            await using var scope = services.CreateAsyncScope();
            return await RunAsync(arguments, scope.ServiceProvider.GetRequiredService<DeadLetterOperations>(), output, cancellationToken);
        }
        catch (OptionsValidationException exception)
        {
            output.WriteLine($"The Workers' settings are incomplete: {string.Join(" ", exception.Failures)}");
            return 2;
        }
        catch (Exception exception) when (exception is KafkaException or TimeoutException or DbException)
        {
            output.WriteLine($"The broker or the Workers' database did not answer: {exception.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(Arguments arguments, DeadLetterOperations operations, TextWriter output, CancellationToken cancellationToken)
    {
        switch (arguments.Command)
        {
            case "list":
                var views = await operations.ListAsync(arguments.Topic, arguments.All, cancellationToken);
                if (arguments.Json) output.WriteLine(JsonSerializer.Serialize(views, Json));
                else WriteTable(views, output);
                return 0;
            case "show":
                if (arguments.Id is not { } id) return Fail(output, "show needs a dead letter's id, such as task-events.dlq/1/42.");
                if (await operations.ShowAsync(id, cancellationToken) is not { } view)
                {
                    output.WriteLine($"{id} is not on {id.Topic}.");
                    return 1;
                }
                output.WriteLine(JsonSerializer.Serialize(view, Json));
                return 0;
            case "redrive" or "purge":
                if (arguments.Selection is not { } selection)
                    return Fail(output, $"{arguments.Command} needs a dead letter's id, or --topic TOPIC --all.");
                var results = arguments.Command == "redrive"
                    ? await operations.RedriveAsync(selection, arguments.Operator, cancellationToken)
                    : await operations.PurgeAsync(selection, arguments.Operator, cancellationToken);
                foreach (var result in results) output.WriteLine($"{result.Outcome}: {result.Detail}");
                if (results.Count == 0) output.WriteLine($"Nothing parked on {selection.Topic.DeadLetterName}.");
                return results.All(r => r.Succeeded) ? 0 : 1;
            default:
                throw new InvalidOperationException($"Checked before: {arguments.Command}.");
        }
    }

    private static void WriteTable(IReadOnlyList<DeadLetterView> views, TextWriter output)
    {
        if (views.Count == 0)
        {
            output.WriteLine("No dead letters.");
            return;
        }
        output.WriteLine($"{"ID",-24} {"STATE",-9} {"EVENT",-26} {"EVENT ID",-36} {"GROUP",-22} {"TRIES",5} {"FIRST FAILED",-20} ERROR");
        foreach (var (letter, state, _, _) in views)
        {
            output.WriteLine(string.Join(' ',
                $"{letter.Id,-24}", $"{state,-9}", $"{$"{letter.EventType} {letter.EventVersion}",-26}", $"{letter.EventId,-36}",
                $"{letter.ConsumerGroup,-22}", $"{letter.Attempts,5}", $"{letter.FirstFailedAt:yyyy-MM-dd HH:mm:ss}Z ",
                letter.Error.ReplaceLineEndings(" ")));
        }
    }

    private static int Fail(TextWriter output, string problem)
    {
        output.WriteLine(problem);
        output.WriteLine(Usage);
        return 2;
    }

    /// <summary>The command line after <c>dlq</c>, checked.</summary>
    private sealed record Arguments(string? Command, DeadLetterId? Id, TopicDefinition? Topic, bool All, bool Json, string Operator, string? Problem)
    {
        /// <summary>One letter by id, or every parked one of a topic (asked for with --all, never by omission).</summary>
        public DeadLetterSelection? Selection =>
            Id is { } id ? DeadLetterSelection.One(id) : Topic is not null && All ? DeadLetterSelection.AllParkedOn(Topic) : null;

        public static Arguments Parse(IEnumerable<string> args)
        {
            var parsed = new Arguments(null, null, null, false, false, $"{Environment.UserName}@{Environment.MachineName}", null);
            using var next = args.GetEnumerator();
            while (next.MoveNext())
            {
                var arg = next.Current;
                string? Value() => next.MoveNext() ? next.Current : null;
                parsed = arg switch
                {
                    "--all" => parsed with { All = true },
                    "--json" => parsed with { Json = true },
                    "--topic" => Value() is var name && DeadLetterSelection.TryFindTopic(name, out var topic, out var problem)
                        ? parsed with { Topic = topic }
                        : parsed with { Problem = problem },
                    "--operator" => Value() is var name && DeadLetterOperator.TryValidate(name, out var problem)
                        ? parsed with { Operator = name! }
                        : parsed with { Problem = $"--operator: {problem}" },
                    _ when arg.StartsWith("--", StringComparison.Ordinal) => parsed with { Problem = $"There is no option {arg}." },
                    _ when parsed.Command is null => parsed with { Command = arg },
                    _ when parsed.Id is null && DeadLetterId.TryParse(arg, out var id) => parsed with { Id = id },
                    _ => parsed with { Problem = $"'{arg}' is no dead letter's id (such as task-events.dlq/1/42)." },
                };
                if (parsed.Problem is not null) return parsed;
            }
            return parsed;
        }
    }
}
