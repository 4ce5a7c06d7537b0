using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.DeadLetters;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>
/// Dead letters as an operator meets them: a consumer's bug parks an event, the operator lists it, fixes the bug,
/// re-drives it and sees it applied once; drops what should go; is told when a re-drive would only park it again. Through
/// the Workers' internal endpoints (what the dashboard's commands call) and the Workers' own <c>dlq</c> command.
/// </summary>
public sealed class DeadLetterTests(TaskFlowServices app)
{
    private const string Operator = "dead-letter-tests";
    private static readonly TimeSpan ParkingTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_parked_event_is_listed_and_after_the_fix_redriven_and_applied_once()
    {
        var (user, title, taskId) = await CreatePoisonTaskAsync();
        using var workers = await WorkersClientAsync();

        var parked = await WaitForParkedAsync(workers, title);
        var letter = parked["letter"]!;
        Assert.Equal("parked", parked["state"]!.GetValue<string>());
        Assert.Equal(DeadLetterProbe.ConsumerGroup, letter["consumer_group"]!.GetValue<string>());
        Assert.Equal(DeadLetterProbe.MaxAttempts, letter["attempts"]!.GetValue<int>());
        Assert.Contains(DeadLetterProbe.Refusal, letter["error"]!.GetValue<string>());
        Assert.Equal(Topics.TaskEvents, letter["source_topic"]!.GetValue<string>());
        Assert.Equal(TaskEventTypes.Created, letter["event_type"]!.GetValue<string>());
        Assert.Equal(taskId.ToString(System.Globalization.CultureInfo.InvariantCulture), letter["key"]!.GetValue<string>());
        Assert.True(Instant(letter["first_failed_at"]) <= Instant(letter["parked_at"]), $"first failure after parking: {letter}");
        var id = letter["id"]!.GetValue<string>();
        var shown = await workers.GetFromJsonAsync<JsonObject>($"/internal/dead-letters/{id}");
        Assert.Equal(letter["event_id"]!.GetValue<string>(), shown!["letter"]!["event_id"]!.GetValue<string>());

        DeadLetterProbe.Fix(title);
        var redrive = await workers.PostAsync($"/internal/dead-letters/{id}/redrive", null);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        Assert.Equal("redriven", (await redrive.Content.ReadFromJsonAsync<JsonArray>())!.Single()!["outcome"]!.GetValue<string>());
        await WaitUntilAsync(() => DeadLetterProbe.HandledCount(title) == 1, "the probe handling the re-driven event");

        // Every other consumer group of task-events handled the event the first time and skips it now by its id.
        var again = await workers.PostAsync($"/internal/dead-letters/{id}/redrive", null);
        Assert.Equal("already_handled", (await again.Content.ReadFromJsonAsync<JsonArray>())!.Single()!["outcome"]!.GetValue<string>());
        var history = await user.WaitForHistoryAsync(taskId, 1, TimeSpan.FromSeconds(30));
        Assert.Single(history, entry => entry!["event_type"]!.GetValue<string>() == TaskEventTypes.Created);
        Assert.DoesNotContain(await ListAsync(workers, all: false), view => view["letter"]!["id"]!.GetValue<string>() == id);
        var handled = Assert.Single(await ListAsync(workers, all: true), view => view["letter"]!["id"]!.GetValue<string>() == id);
        Assert.Equal("redriven", handled["state"]!.GetValue<string>());
        Assert.Equal(Operator, handled["handled_by"]!.GetValue<string>());
        Assert.Equal(1, DeadLetterProbe.HandledCount(title));
    }

    [Fact]
    public async Task A_purged_dead_letter_leaves_the_listing_and_is_never_handled()
    {
        var (_, title, _) = await CreatePoisonTaskAsync();
        using var workers = await WorkersClientAsync();
        var id = (await WaitForParkedAsync(workers, title))["letter"]!["id"]!.GetValue<string>();

        var purge = await workers.PostAsync($"/internal/dead-letters/{id}/purge", null);

        Assert.Equal("purged", (await purge.Content.ReadFromJsonAsync<JsonArray>())!.Single()!["outcome"]!.GetValue<string>());
        Assert.DoesNotContain(await ListAsync(workers, all: false), view => view["letter"]!["id"]!.GetValue<string>() == id);
        Assert.Equal("purged", Assert.Single(await ListAsync(workers, all: true), view => view["letter"]!["id"]!.GetValue<string>() == id)["state"]!.GetValue<string>());
        var redrive = await workers.PostAsync($"/internal/dead-letters/{id}/redrive", null);
        Assert.Equal("already_handled", (await redrive.Content.ReadFromJsonAsync<JsonArray>())!.Single()!["outcome"]!.GetValue<string>());
        Assert.Equal(0, DeadLetterProbe.HandledCount(title));
    }

    [Fact]
    public async Task An_event_of_a_version_no_consumer_reads_stays_parked_when_redriven_and_says_why()
    {
        // On reminders.dlq, where nothing else of this suite parks, as a Dapr sidecar parks (no error headers): the
        // test re-drives all of that topic without touching other tests' letters.
        var eventId = Guid.NewGuid();
        var envelope = new JsonObject
        {
            ["event_id"] = eventId, ["event_type"] = ReminderEventTypes.Due, ["version"] = "9.0",
            ["timestamp"] = DateTimeOffset.UtcNow, ["data"] = new JsonObject { ["task_id"] = 1 },
        };
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap }).Build())
            await producer.ProduceAsync(Topics.DeadLetterOf(Topics.Reminders), new Message<string, byte[]> { Key = "1", Value = Encoding.UTF8.GetBytes(envelope.ToJsonString()) });
        using var workers = await WorkersClientAsync();
        var parked = await WaitForAsync(workers, Topics.Reminders, view => view["letter"]!["event_id"]?.GetValue<string>() == eventId.ToString());
        Assert.Contains("No error recorded", parked["letter"]!["error"]!.GetValue<string>());
        var id = parked["letter"]!["id"]!.GetValue<string>();

        var redrive = await workers.PostAsync($"/internal/dead-letters/redrive?topic={Topics.Reminders}", null);

        var result = Assert.Single((await redrive.Content.ReadFromJsonAsync<JsonArray>())!, r => r!["id"]!.GetValue<string>() == id)!;
        Assert.Equal("still_parked", result["outcome"]!.GetValue<string>());
        Assert.Contains("'9.0'", result["detail"]!.GetValue<string>());
        Assert.Contains(await ListAsync(workers, Topics.Reminders, all: false), view => view["letter"]!["id"]!.GetValue<string>() == id);
    }

    [Theory]
    [InlineData("GET", "/internal/dead-letters?topic=no-such-topic", "no-such-topic")]
    [InlineData("GET", "/internal/dead-letters/task-events.dlq/-1/0", "negative")]
    [InlineData("GET", "/internal/dead-letters/tasks.dlq/0/0", "'tasks.dlq'")]
    [InlineData("POST", "/internal/dead-letters/redrive", "Name the topic")]
    [InlineData("POST", "/internal/dead-letters/purge?topic=../reminders", "'../reminders'")]
    public async Task A_request_it_cannot_act_on_is_a_400_naming_the_problem(string method, string path, string problem)
    {
        using var workers = await WorkersClientAsync();

        var response = await workers.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Acting_without_a_name_or_the_key_or_on_a_letter_that_is_not_there_is_refused()
    {
        using var workers = await WorkersClientAsync();
        workers.DefaultRequestHeaders.Remove(DeadLetterEndpoints.OperatorHeader);
        var anonymous = await workers.PostAsync($"/internal/dead-letters/purge?topic={Topics.Reminders}", null);
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        Assert.Contains("operator", (await anonymous.Content.ReadAsStringAsync()), StringComparison.OrdinalIgnoreCase);

        using var stranger = app.CreateWorkersClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/internal/dead-letters")).StatusCode);

        workers.DefaultRequestHeaders.Add(DeadLetterEndpoints.OperatorHeader, Operator);
        var missing = await workers.PostAsync($"/internal/dead-letters/{Topics.DeadLetterOf(Topics.Reminders)}/2/{long.MaxValue - 1}/redrive", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_workers_dlq_command_lists_shows_and_purges_against_the_broker()
    {
        var (_, title, _) = await CreatePoisonTaskAsync();
        using var workers = await WorkersClientAsync();
        var letter = (await WaitForParkedAsync(workers, title))["letter"]!;
        var id = letter["id"]!.GetValue<string>();

        // As an operator runs it: a process of its own with the Workers' settings in its environment.
        var list = await RunCommandProcessAsync("dlq", "list", "--topic", Topics.TaskEvents);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(list.Output.Split('\n'), line => line.StartsWith(id + " ", StringComparison.Ordinal) && line.Contains(DeadLetterProbe.Refusal, StringComparison.Ordinal));

        // The other verbs in this process, on the Workers' own services (a process costs seconds of start-up each).
        var show = await RunCommandAsync("dlq", "show", id);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(letter["event_id"]!.GetValue<string>(), JsonNode.Parse(show.Output)!["letter"]!["event_id"]!.GetValue<string>());

        var purge = await RunCommandAsync("dlq", "purge", id, "--operator", "cli-test");
        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.StartsWith("Purged:", purge.Output);
        var logs = await app.RecentLogsAsync("workers", lines: 2000);
        Assert.Contains($"Dead letter {id} ({TaskEventTypes.Created} {letter["event_id"]}) of {Topics.TaskEvents}: purged by cli-test.", logs);

        var wrong = await RunCommandAsync("dlq", "redrive", "--topic", Topics.TaskEvents);
        Assert.True(wrong.ExitCode == 2, wrong.ToString());
        Assert.Contains("--topic TOPIC --all", wrong.Output);
    }

    /// <summary>A new user's task that the probe's bug makes it park.</summary>
    private async Task<(TaskFlowUser User, string Title, int TaskId)> CreatePoisonTaskAsync()
    {
        var user = await app.SignUpAsync();
        var title = DeadLetterProbe.Poison();
        return (user, title, await user.CreateTaskIdAsync(new { title }));
    }

    private async Task<HttpClient> WorkersClientAsync()
    {
        var client = app.CreateWorkersClient();
        client.DefaultRequestHeaders.Add(InternalApi.KeyHeader, await app.InternalApiKeyAsync());
        client.DefaultRequestHeaders.Add(DeadLetterEndpoints.OperatorHeader, Operator);
        return client;
    }

    private static Task<List<JsonNode>> ListAsync(HttpClient workers, bool all) => ListAsync(workers, Topics.TaskEvents, all);

    private static async Task<List<JsonNode>> ListAsync(HttpClient workers, string topic, bool all) =>
        (await workers.GetFromJsonAsync<JsonArray>($"/internal/dead-letters?topic={topic}&all={all}"))!.Select(view => view!).ToList();

    private static Task<JsonNode> WaitForParkedAsync(HttpClient workers, string title) =>
        WaitForAsync(workers, Topics.TaskEvents, view => view["letter"]!["payload"]!.GetValue<string>().Contains(title, StringComparison.Ordinal));

    private static async Task<JsonNode> WaitForAsync(HttpClient workers, string topic, Func<JsonNode, bool> matches)
    {
        var deadline = DateTime.UtcNow + ParkingTimeout;
        while (true)
        {
            var found = (await ListAsync(workers, topic, all: false)).FirstOrDefault(matches);
            if (found is not null) return found;
            Assert.True(DateTime.UtcNow < deadline, $"nothing parked on {Topics.DeadLetterOf(topic)} matched within {ParkingTimeout}");
            await Task.Delay(500);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private static DateTimeOffset Instant(JsonNode? value) => DateTimeOffset.Parse(value!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    private sealed record CommandRun(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
    }

    private async Task<CommandRun> RunCommandAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var exitCode = await DeadLetterCommand.RunAsync(args, app.WorkersServices, output, timeout.Token);
        return new CommandRun(exitCode, output.ToString(), "");
    }

    /// <summary>Runs <c>dotnet TaskFlow.Workers.dll ARGS</c> with the Workers' settings as environment variables, as a pod has them.</summary>
    private async Task<CommandRun> RunCommandProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TaskFlow.Workers.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in app.WorkersSettings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CommandRun(process.ExitCode, await output, await errors);
    }
}

/// <summary>
/// A consumer group of the tests' own on task-events, run by the Workers under test: a handler with a bug for the
/// tasks a test marks as poison, until the test fixes it, that counts what it handled.
/// </summary>
public sealed class DeadLetterProbe : IEventHandler<TaskEventData>
{
    public const string ConsumerGroup = "tests-dead-letter-probe";
    public const string Refusal = "the probe's bug refuses";
    public const int MaxAttempts = 2;

    /// <summary>Titles of poison tasks, true while the bug lasts.</summary>
    private static readonly ConcurrentDictionary<string, bool> Failing = new();
    private static readonly ConcurrentDictionary<string, int> Handled = new();

    public static void AddTo(WebHostBuilderContext context, IServiceCollection services) =>
        services.AddEventConsumer<DeadLetterProbe, TaskEventData>(context.Configuration,
            new ConsumerRegistration(Topics.TaskEvents, ConsumerGroup, MaxAttempts) { FirstRetryDelay = TimeSpan.FromMilliseconds(50) });

    /// <summary>A new poison title: the probe fails on the task that has it.</summary>
    public static string Poison()
    {
        var title = $"poison {Guid.NewGuid():N}";
        Failing[title] = true;
        return title;
    }

    public static void Fix(string title) => Failing[title] = false;

    public static int HandledCount(string title) => Handled.GetValueOrDefault(title);

    public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken)
    {
        if (consumedEvent.Data is not TaskCreatedData created || !Failing.TryGetValue(created.Title, out var failing)) return Task.CompletedTask;
        if (failing) throw new InvalidOperationException($"{Refusal} '{created.Title}'.");
        Handled.AddOrUpdate(created.Title, 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }
}
