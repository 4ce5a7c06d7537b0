using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TaskFlow.Api.AgentTools;
using TaskFlow.Api.QuickAdd;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Chat;

/// <summary>
/// The assistant without a chat model: it understands everyday requests itself — add a task (read by the quick-add
/// parser), what is due today, tomorrow or this week, what is overdue, complete, delete or reschedule a task by its
/// title (asking which one when several match) — and does them through the same tools an agent calls. Anything else
/// gets one sentence saying what it can do and how to configure a model.
/// </summary>
public sealed partial class BuiltInAssistant(ToolServices tools) : IAssistant
{
    public const string Help =
        "Without a chat model I can add a task (\"add Pay rent every month on the 1st at 9am\"), tell you what is due today, "
        + "tomorrow or this week and what is overdue, and complete, delete or reschedule a task by its title (\"complete pay rent\", "
        + "\"move dentist to friday\"); for anything else set Chat:Model and Chat:ApiKey in the AppHost's configuration and restart.";

    private const string WhichOne = "Which one do you mean? Answer with its number:";

    private const string AskAgain = "Answer with a number from 1 to";

    public async IAsyncEnumerable<AssistantUpdate> ReplyAsync(
        string userId, IReadOnlyList<ChatTurn> history, string message, AssistantContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var turn = new Turn(userId, tools, context, cancellationToken);
        var answer = await AnswerAsync(turn, history, message.Trim());
        foreach (var call in turn.Calls) yield return new AssistantUpdate.ToolCalled(call);
        yield return new AssistantUpdate.Text(answer);
    }

    private static async Task<string> AnswerAsync(Turn turn, IReadOnlyList<ChatTurn> history, string message)
    {
        // "2" after "Which one do you mean?" (or after being asked again): the request that asked it, on that task.
        if (Choice().Match(message) is { Success: true } choice && OpenQuestion(history) is { } asked)
        {
            var (question, request) = asked;
            var ids = ListedTaskId().Matches(question).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            var number = int.Parse(choice.Groups["number"].Value, CultureInfo.InvariantCulture);
            // "#12" is a task's own id as listed; "2" its place in the list.
            var chosen = choice.Groups["id"].Success ? ids.Contains(number) ? number : (int?)null
                : number >= 1 && number <= ids.Count ? ids[number - 1] : null;
            if (chosen is null) return $"{AskAgain} {ids.Count}.";
            return await DoAsync(turn, request, chosenTaskId: chosen);
        }
        return await DoAsync(turn, message, chosenTaskId: null);
    }

    /// <summary>
    /// The last "which one" question and the request that led to it, while it is still open: only answers that asked
    /// again have followed it.
    /// </summary>
    private static (string Question, string Request)? OpenQuestion(IReadOnlyList<ChatTurn> history)
    {
        for (var i = history.Count - 1; i >= 1; i -= 2)
        {
            if (history[i].Role != ChatTurn.Assistant || history[i - 1].Role != ChatTurn.User) return null;
            if (history[i].Content.StartsWith(WhichOne, StringComparison.Ordinal)) return (history[i].Content, history[i - 1].Content);
            if (!history[i].Content.StartsWith(AskAgain, StringComparison.Ordinal)) return null;
        }
        return null;
    }

    private static async Task<string> DoAsync(Turn turn, string message, int? chosenTaskId)
    {
        if (Add().Match(message) is { Success: true } add)
        {
            var answer = await turn.CallAsync("quick_add", new JsonObject
            {
                ["text"] = add.Groups["text"].Value,
                ["time_zone"] = turn.Context.TimeZone,
                ["locale"] = turn.Context.DateOrder == DateOrder.DayFirst ? "en-GB" : "en-US",
            });
            return answer.IsError ? $"I could not add that: {answer.Text}" : $"Added {ToolCallWords.DescribeTask(answer.Content["task"])}.";
        }
        if (Complete().Match(message) is { Success: true } complete)
            return await OnOneTaskAsync(turn, complete.Groups["title"].Value, chosenTaskId, openOnly: true, async id =>
                Done(await turn.CallAsync("complete_task", new JsonObject { ["task_id"] = id }), "Completed"));
        if (Delete().Match(message) is { Success: true } delete)
            return await OnOneTaskAsync(turn, delete.Groups["title"].Value, chosenTaskId, openOnly: false, async id =>
            {
                var answer = await turn.CallAsync("delete_task", new JsonObject { ["task_id"] = id });
                return answer.IsError ? $"I could not delete it: {answer.Text}" : "Deleted it.";
            });
        if (Reschedule().Match(message) is { Success: true } reschedule)
        {
            var when = QuickAddParser.Parse(reschedule.Groups["when"].Value, new(turn.Tasks.Clock.GetUtcNow(), turn.Context.TimeZone, turn.Context.DateOrder));
            if (when.DueDate is null || when.Title.Length > 0 || when.Recurrence is not null)
                return $"I did not understand \"{reschedule.Groups["when"].Value}\" as a date or time (try \"friday\", \"tomorrow at 9am\" or \"dec 24\").";
            return await OnOneTaskAsync(turn, reschedule.Groups["title"].Value, chosenTaskId, openOnly: true, async id =>
            {
                var body = new JsonObject { ["task_id"] = id };
                if (when.DueAt is { } at) body["due_at"] = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
                else
                {
                    body["due_at"] = null;
                    body["due_date"] = when.DueDate.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                }
                return Done(await turn.CallAsync("update_task", body), "Rescheduled");
            });
        }
        if (Overdue().IsMatch(message)) return await ListDueAsync(turn, "overdue", null, null);
        if (DueQuery().Match(message) is { Success: true } due)
        {
            var today = DateOnly.FromDateTime(TaskTime.LocalTime(turn.Tasks.Clock.GetUtcNow(), turn.Context.TimeZone));
            var (from, to, what) = due.Groups["when"].Value.ToLowerInvariant() switch
            {
                "today" => (today, today, "today"),
                "tomorrow" => (today.AddDays(1), today.AddDays(1), "tomorrow"),
                _ => (today, today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7 - 1), "this week"),
            };
            return await ListDueAsync(turn, what, from, to);
        }
        return Help;
    }

    /// <summary>The open tasks due in a window of days in the user's zone, or overdue; each with its number for a follow-up.</summary>
    private static async Task<string> ListDueAsync(Turn turn, string what, DateOnly? from, DateOnly? to)
    {
        var zone = turn.Context.TimeZone;
        var arguments = new JsonObject { ["sort"] = "due", ["limit"] = TaskQuery.MaxLimit };
        if (from is { } first && to is { } last)
        {
            // A date-only task's due moment is the end of its day: the window reaches a second past the last day, and
            // the dates are checked below in each task's own terms.
            arguments["due_after"] = Instant(TaskTime.EndOfDay(first.AddDays(-1), zone));
            arguments["due_before"] = Instant(TaskTime.EndOfDay(last, zone).AddSeconds(1));
        }
        else arguments["overdue"] = true;
        var answer = await turn.CallAsync("list_tasks", arguments);
        if (answer.IsError) return $"I could not look that up: {answer.Text}";

        var due = Items(answer)
            .Where(t => t.Status != TaskItemStatus.Completed)
            .Where(t => from is null || DueDay(t, zone) is { } day && day >= from && day <= to)
            .ToList();
        if (due.Count == 0) return what == "overdue" ? "Nothing is overdue." : $"Nothing is due {what}.";
        var list = new StringBuilder(what == "overdue" ? "Overdue:" : $"Due {what}:");
        foreach (var task in due) list.Append(CultureInfo.InvariantCulture, $"\n- {TaskWords.Describe(task)} (#{task.TaskId})");
        return list.ToString();
    }

    /// <summary>
    /// Runs <paramref name="act"/> on the one task <paramref name="title"/> names ("#12" names it by id); asks which
    /// one when several match, says so when none does.
    /// </summary>
    private static async Task<string> OnOneTaskAsync(Turn turn, string title, int? chosenTaskId, bool openOnly, Func<int, Task<string>> act)
    {
        if (chosenTaskId is { } chosen) return await act(chosen);
        title = title.Trim().Trim('"', '\'', '“', '”', '‘', '’').Trim();
        if (TaskIdReference().Match(title) is { Success: true } reference) return await act(int.Parse(reference.Groups[1].Value, CultureInfo.InvariantCulture));

        var answer = await turn.CallAsync("list_tasks", new JsonObject { ["query"] = title, ["limit"] = 20 });
        if (answer.IsError) return $"I could not look for it: {answer.Text}";
        var found = Items(answer).Where(t => !openOnly || t.Status != TaskItemStatus.Completed).ToList();
        var exact = found.Where(t => string.Equals(t.Title, title, StringComparison.OrdinalIgnoreCase)).ToList();
        var candidates = exact.Count > 0 ? exact : found;
        switch (candidates.Count)
        {
            case 0:
                return $"You have no {(openOnly ? "open " : "")}task called \"{title}\".";
            case 1:
                return await act(candidates[0].TaskId);
            default:
                var question = new StringBuilder(WhichOne);
                foreach (var (task, i) in candidates.Select((t, i) => (t, i)))
                    question.Append(CultureInfo.InvariantCulture, $"\n{i + 1}. {TaskWords.Describe(task)} (#{task.TaskId})");
                return question.ToString();
        }
    }

    private static string Done(ToolAnswer answer, string verb) =>
        answer.IsError ? $"That did not go through: {answer.Text}" : $"{verb} {ToolCallWords.DescribeTask(answer.Content)}.";

    private static IEnumerable<TaskResponse> Items(ToolAnswer answer) =>
        answer.Content.Deserialize<TaskListResponse>(EventJson.Options)?.Items ?? [];

    /// <summary>The day a task is due: its date, or its due moment's date in the user's zone.</summary>
    private static DateOnly? DueDay(TaskResponse task, string zone) =>
        task.DueAt is { } at ? TaskTime.LocalDate(at, zone) : task.DueDate;

    private static string Instant(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

    /// <summary>One message's tool calls, made as the signed-in user through the agent tools.</summary>
    private sealed class Turn(string userId, ToolServices tools, AssistantContext context, CancellationToken cancellationToken)
    {
        public List<ToolCallRecord> Calls { get; } = [];

        public TaskService Tasks => tools.Tasks;

        public AssistantContext Context => context;

        public async Task<ToolAnswer> CallAsync(string tool, JsonObject arguments)
        {
            var answer = await TaskTools.All.Single(t => t.Name == tool).RunAsync(userId, arguments, tools, cancellationToken);
            Calls.Add(ToolCallRecord.Of(tool, arguments, answer));
            return answer;
        }
    }

    [GeneratedRegex(@"^(?:please\s+)?(?:add|create|new task|new|todo|remind me to)\b\s*:?\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Add();

    [GeneratedRegex(@"\boverdue\b", RegexOptions.IgnoreCase)]
    private static partial Regex Overdue();

    [GeneratedRegex(@"\b(?<when>today|tomorrow|this week)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DueQuery();

    [GeneratedRegex(@"^(?:please\s+)?(?:complete|finish|check off|tick off|mark)\s+(?<title>.+?)(?:\s+as\s+(?:done|complete|completed|finished))?[.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex Complete();

    [GeneratedRegex(@"^(?:please\s+)?(?:delete|remove)\s+(?<title>.+?)[.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex Delete();

    [GeneratedRegex(@"^(?:please\s+)?(?:reschedule|move|postpone|push)\s+(?<title>.+?)\s+(?:to|until|till)\s+(?<when>.+?)[.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex Reschedule();

    [GeneratedRegex(@"^(?:(?<id>#)(?<number>\d{1,9})|(?:number\s+)?(?<number>\d{1,2})\.?)$", RegexOptions.IgnoreCase)]
    private static partial Regex Choice();

    [GeneratedRegex(@"\(#(\d+)\)")]
    private static partial Regex ListedTaskId();

    [GeneratedRegex(@"^(?:task\s+)?#(\d{1,9})$", RegexOptions.IgnoreCase)]
    private static partial Regex TaskIdReference();
}
