using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>Completing an occurrence of a recurring task creates the next one, exactly once, on the right day.</summary>
public sealed class RecurringTaskTests(TaskFlowServices app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Completing_a_daily_task_creates_exactly_one_next_task_due_a_day_later_even_when_the_event_is_delivered_twice()
    {
        var user = await app.SignUpAsync();
        var first = await user.CreateTaskAsync(new
        {
            title = "Water the plants", description = "balcony", priority = "high", category = "home", tags = new[] { "garden" },
            due_at = "2030-03-30T09:00:00+01:00", time_zone = "Europe/Berlin", remind_before = "PT15M", recurrence = "daily",
        });
        var firstId = first["task_id"]!.GetValue<int>();
        var seriesId = first["series_id"]!.GetValue<string>();
        Assert.Equal(1, first["occurrence"]!.GetValue<int>());
        Assert.Equal("FREQ=DAILY", first["recurrence"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsync($"/api/tasks/{firstId}/complete", null)).StatusCode);
        var series = await WaitForOccurrencesAsync(user, seriesId, 2);

        var nextId = series[1]!["task_id"]!.GetValue<int>();
        var next = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{nextId}");
        // 09:00 local on both days, across the switch to summer time in the night between.
        Assert.Equal("2030-03-31T07:00:00Z", next!["due_at"]!.GetValue<string>());
        Assert.Equal("2030-03-31", next["due_date"]!.GetValue<string>());
        Assert.Equal("2030-03-31T06:45:00Z", next["remind_at"]!.GetValue<string>());
        Assert.Equal(2, next["occurrence"]!.GetValue<int>());
        Assert.Equal("pending", next["status"]!.GetValue<string>());
        foreach (var field in new[] { "title", "description", "priority", "category", "tags", "time_zone", "remind_before", "recurrence", "series_id" })
            Assert.True(JsonNode.DeepEquals(first[field], next[field]), $"{field}: {first[field]} vs {next[field]}");
        Assert.NotNull(series[0]!["completed_at"]);

        // The same completion event, published again straight to the broker, must not add a third task.
        var completion = app.ReadTopic("task-events",
            json => json["data"]?["task_id"]?.GetValue<int>() == firstId && json["event_type"]?.GetValue<string>() == "task.updated",
            found => found.Count >= 1, Wait).Single();
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap }).Build())
        {
            var headers = new Headers();
            foreach (var (key, value) in completion.Headers) headers.Add(key, Encoding.UTF8.GetBytes(value));
            await producer.ProduceAsync("task-events", new Message<string, byte[]>
            {
                Key = completion.Key, Value = Encoding.UTF8.GetBytes(completion.Json.ToJsonString()), Headers = headers,
            });
        }
        // Reopening and completing again must not add one either.
        await user.Http.PostAsync($"/api/tasks/{firstId}/reopen", null);
        await user.Http.PostAsync($"/api/tasks/{firstId}/complete", null);
        await user.WaitForHistoryAsync(firstId, 4, Wait);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(2, (await SeriesAsync(user, seriesId))["occurrences"]!.AsArray().Count);
    }

    [Fact]
    public async Task Stopping_the_series_stops_creating_occurrences_and_keeps_the_tasks()
    {
        var user = await app.SignUpAsync();
        var first = await user.CreateTaskAsync(new { title = "Standup", due_date = "2030-01-07", recurrence = "weekdays" });
        var seriesId = first["series_id"]!.GetValue<string>();
        await user.Http.PostAsync($"/api/tasks/{first["task_id"]}/complete", null);
        var series = await WaitForOccurrencesAsync(user, seriesId, 2);
        Assert.Equal("2030-01-08", series[1]!["due_date"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await user.Http.DeleteAsync($"/api/series/{seriesId}/recurrence")).StatusCode);
        var secondId = series[1]!["task_id"]!.GetValue<int>();
        var second = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{secondId}");
        Assert.Null(second!["recurrence"]);
        await user.Http.PostAsync($"/api/tasks/{secondId}/complete", null);
        await user.WaitForHistoryAsync(secondId, 3, Wait);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var after = await SeriesAsync(user, seriesId);
        Assert.Equal(2, after["occurrences"]!.AsArray().Count);
        Assert.Null(after["recurrence"]);
    }

    [Fact]
    public async Task A_series_ends_after_its_count()
    {
        var user = await app.SignUpAsync();
        var first = await user.CreateTaskAsync(new { title = "Twice", due_date = "2030-01-01", recurrence = "FREQ=DAILY;COUNT=2" });
        var seriesId = first["series_id"]!.GetValue<string>();
        await user.Http.PostAsync($"/api/tasks/{first["task_id"]}/complete", null);
        var series = await WaitForOccurrencesAsync(user, seriesId, 2);

        var secondId = series[1]!["task_id"]!.GetValue<int>();
        await user.Http.PostAsync($"/api/tasks/{secondId}/complete", null);
        await user.WaitForHistoryAsync(secondId, 2, Wait);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(2, (await SeriesAsync(user, seriesId))["occurrences"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"title":"t","due_date":"2030-01-01","recurrence":"every other tuesday"}""", "recurrence")]
    [InlineData("""{"title":"t","due_date":"2030-01-01","recurrence":"FREQ=MINUTELY"}""", "recurrence")]
    [InlineData("""{"title":"t","recurrence":"daily"}""", "recurrence")]
    [InlineData("""{"title":"t","due_date":"2030-01-01","recurrence":"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}""", "recurrence")]
    [InlineData("""{"title":"t","due_at":"2030-01-01T09:00:00Z","recurrence":"FREQ=DAILY;UNTIL=20291231T000000Z"}""", "recurrence")]
    public async Task An_invalid_recurrence_is_a_400_naming_the_problem(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.PostRawAsync("/api/tasks", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Fact]
    public async Task Another_users_series_is_not_found()
    {
        var owner = await app.SignUpAsync();
        var stranger = await app.SignUpAsync();
        var seriesId = (await owner.CreateTaskAsync(new { title = "Mine", due_date = "2030-01-01", recurrence = "weekly" }))["series_id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/series/{seriesId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.DeleteAsync($"/api/series/{seriesId}/recurrence")).StatusCode);
    }

    private static async Task<JsonObject> SeriesAsync(TaskFlowUser user, string seriesId) =>
        (await user.Http.GetFromJsonAsync<JsonObject>($"/api/series/{seriesId}"))!;

    private static async Task<JsonArray> WaitForOccurrencesAsync(TaskFlowUser user, string seriesId, int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        JsonArray occurrences = [];
        while (DateTime.UtcNow < deadline)
        {
            occurrences = (await SeriesAsync(user, seriesId))["occurrences"]!.AsArray();
            if (occurrences.Count >= count) return occurrences;
            await Task.Delay(250);
        }
        Assert.Fail($"series {seriesId} has {occurrences.Count} occurrences, expected {count}: {occurrences}");
        return occurrences;
    }
}
