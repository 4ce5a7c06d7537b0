using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using StackExchange.Redis;
using TaskFlow.Tests.Webhooks;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>Reminders fire on time and once; notifications reach the app and, signed, the user's webhook.</summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class ReminderTests(TaskFlowApp app)
{
    private static readonly TimeSpan FireWait = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task A_reminder_three_seconds_ahead_fires_once_and_makes_one_notification()
    {
        var user = await app.SignUpAsync();
        var remindAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var taskId = await CreateAsync(user, new { title = "Call the bank", due_at = Iso(remindAt.AddHours(1)), remind_at = Iso(remindAt) });

        var notification = (await WaitForNotificationsAsync(user, 1))[0]!;
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(taskId, notification["task_id"]!.GetValue<int>());
        Assert.Equal("Call the bank", notification["title"]!.GetValue<string>());
        Assert.Equal("delivered", notification["delivery_status"]!.GetValue<string>());
        Assert.Single(await NotificationsAsync(user));
        var fired = Assert.Single(ReadReminders(taskId, TimeSpan.FromSeconds(5)));
        var data = fired.Json["data"]!;
        Assert.Equal("reminder.due", fired.Json["event_type"]!.GetValue<string>());
        Assert.Equal(taskId.ToString(), fired.Key);
        Assert.Equal(["task_id", "user_id", "title", "due_at", "remind_at", "fired_at"], data.AsObject().Select(p => p.Key));
        Assert.True(Instant(data["fired_at"]) >= Instant(data["remind_at"]), $"fired early: {data}");
    }

    [Fact]
    public async Task Rescheduling_moves_the_reminder_to_the_new_time()
    {
        var user = await app.SignUpAsync();
        var first = DateTimeOffset.UtcNow.AddSeconds(3);
        var taskId = await CreateAsync(user, new { title = "Moved", remind_at = Iso(first) });
        var moved = first.AddSeconds(3);
        Assert.Equal(HttpStatusCode.OK, (await user.PatchAsync($"/api/tasks/{taskId}", $$"""{"remind_at":"{{Iso(moved)}}"}""")).StatusCode);

        var notification = (await WaitForNotificationsAsync(user, 1))[0]!;

        Assert.Equal(moved.ToUnixTimeSeconds(), Instant(notification["remind_at"]).ToUnixTimeSeconds());
        var fired = Assert.Single(ReadReminders(taskId, TimeSpan.FromSeconds(5)));
        Assert.True(Instant(fired.Json["data"]!["fired_at"]) >= moved.AddMilliseconds(-1), "fired at the old time");
    }

    [Fact]
    public async Task Remind_before_follows_the_due_time()
    {
        var user = await app.SignUpAsync();
        var task = await user.CreateTaskAsync(new { title = "Dentist", due_at = "2030-05-01T10:00:00+02:00", remind_before = "PT30M" });
        Assert.Equal("2030-05-01T07:30:00Z", task["remind_at"]!.GetValue<string>());
        Assert.Equal("PT30M", task["remind_before"]!.GetValue<string>());

        var moved = await (await user.PatchAsync($"/api/tasks/{task["task_id"]}", """{"due_at":"2030-05-02T10:00:00+02:00"}""")).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("2030-05-02T07:30:00Z", moved!["remind_at"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"title":"t","remind_before":"PT15M"}""", "remind_before")]
    [InlineData("""{"title":"t","due_at":"2030-01-01T00:00:00Z","remind_before":"15 minutes"}""", "remind_before")]
    [InlineData("""{"title":"t","remind_at":"tomorrow"}""", "remind_at")]
    [InlineData("""{"title":"t","remind_at":"2030-01-01T00:00:00Z","due_at":"2030-01-01T01:00:00Z","remind_before":"PT1M"}""", "remind_before")]
    public async Task Bad_reminder_fields_are_400s_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.PostRawAsync("/api/tasks", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Theory]
    [InlineData("unread=maybe", "unread")]
    [InlineData("limit=ten", "limit")]
    public async Task A_notification_query_value_of_the_wrong_type_is_a_400_naming_it(string queryString, string parameter)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.GetAsync($"/api/notifications?{queryString}");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{queryString}: {(int)response.StatusCode} {text}");
        Assert.Contains(parameter, JsonNode.Parse(text)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Completing_the_task_cancels_its_reminder()
    {
        var user = await app.SignUpAsync();
        var taskId = await CreateAsync(user, new { title = "Done early", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(3)) });
        Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsync($"/api/tasks/{taskId}/complete", null)).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(7));

        Assert.Empty(await NotificationsAsync(user));
        Assert.Empty(ReadReminders(taskId, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Snoozing_a_notification_fires_the_reminder_again()
    {
        var user = await app.SignUpAsync();
        var taskId = await CreateAsync(user, new { title = "Stretch", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(2)) });
        var first = (await WaitForNotificationsAsync(user, 1))[0]!;
        foreach (var bad in new[] { """{"minutes":"5"}""", """{"minutes":0}""", """{"until":"tomorrow"}""" })
        {
            var refused = await user.PostRawAsync($"/api/notifications/{first["notification_id"]}/snooze", bad);
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)refused.StatusCode} {problem}");
            Assert.NotNull(JsonNode.Parse(problem)!["errors"]![bad.Contains("until") ? "until" : "minutes"]);
        }

        var snooze = await user.Http.PostAsJsonAsync($"/api/notifications/{first["notification_id"]}/snooze",
            new { until = Iso(DateTimeOffset.UtcNow.AddSeconds(3)) });
        Assert.Equal(HttpStatusCode.OK, snooze.StatusCode);
        Assert.NotNull((await snooze.Content.ReadFromJsonAsync<JsonObject>())!["read_at"]);

        var both = await WaitForNotificationsAsync(user, 2);
        Assert.All(both, n => Assert.Equal(taskId, n!["task_id"]!.GetValue<int>()));
        Assert.Single(await NotificationsAsync(user, "?unread=true"));
        Assert.Equal(2, ReadReminders(taskId, TimeSpan.FromSeconds(5), expected: 2).Count);
    }

    [Fact]
    public async Task A_reminder_survives_redis_losing_all_its_data()
    {
        var user = await app.SignUpAsync();
        var taskId = await CreateAsync(user, new { title = "Survivor", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(4)) });
        await Task.Delay(TimeSpan.FromSeconds(1));

        var redisConnection = await app.App.GetConnectionStringAsync("redis");
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection + ",allowAdmin=true"))
        {
            foreach (var server in redis.GetServers()) await server.FlushAllDatabasesAsync();
        }

        var notification = (await WaitForNotificationsAsync(user, 1))[0]!;
        Assert.Equal(taskId, notification["task_id"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_webhook_receives_each_notification_signed_with_the_users_secret()
    {
        await using var receiver = await WebhookReceiver.StartAsync(HttpStatusCode.NoContent);
        var user = await app.SignUpAsync();
        const string secret = "a-long-enough-webhook-secret";
        var put = await user.Http.PutAsJsonAsync("/api/me/webhook", new { url = receiver.Url, secret });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var taskId = await CreateAsync(user, new { title = "Ping me", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(2)) });

        var delivered = await WaitForNotificationsAsync(user, 1, n => n["delivery_status"]!.GetValue<string>() == "delivered");

        var request = Assert.Single(receiver.Requests);
        Assert.Equal($"sha256={Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{request.Timestamp}.{request.Body}")))}", request.Signature);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(taskId, body["task_id"]!.GetValue<int>());
        Assert.Equal(delivered[0]!["notification_id"]!.GetValue<string>(), body["notification_id"]!.GetValue<string>());
        Assert.Equal(1, delivered[0]!["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_backoff_and_marked_failed_after_the_last_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(HttpStatusCode.InternalServerError);
        var user = await app.SignUpAsync();
        await user.Http.PutAsJsonAsync("/api/me/webhook", new { url = receiver.Url, secret = "another-webhook-secret" });
        await CreateAsync(user, new { title = "Unlucky", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(2)) });

        var failed = await WaitForNotificationsAsync(user, 1, n => n["delivery_status"]!.GetValue<string>() == "failed", TimeSpan.FromSeconds(40));

        Assert.Equal(4, failed[0]!["attempts"]!.GetValue<int>());
        Assert.Contains("500", failed[0]!["last_error"]!.GetValue<string>());
        Assert.Equal(4, receiver.Requests.Count);
        var gaps = receiver.Requests.Zip(receiver.Requests.Skip(1), (a, b) => b.ReceivedAt - a.ReceivedAt).ToList();
        Assert.True(gaps.Zip(gaps.Skip(1), (a, b) => b > a).All(longer => longer), $"waits do not grow: {string.Join(", ", gaps)}");
    }

    [Fact]
    public async Task A_failed_delivery_says_what_the_owner_can_fix_and_nothing_about_the_network()
    {
        var user = await app.SignUpAsync();
        // Accepted when set (the name may not resolve yet); every delivery resolves and checks it again.
        var put = await user.Http.PutAsJsonAsync("/api/me/webhook", new { url = "http://hooks.example.invalid/hook", secret = "sixteen-chars-ok" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await CreateAsync(user, new { title = "Nowhere", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(1)) });

        var notifications = await WaitForNotificationsAsync(user, 1, n => n["attempts"]!.GetValue<int>() >= 1);

        Assert.Equal("The webhook's host name could not be resolved.", notifications[0]!["last_error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Several_webhook_changes_of_one_user_at_once_all_succeed_and_one_of_them_stays()
    {
        var user = await app.SignUpAsync();
        var urls = Enumerable.Range(0, 8).Select(i => $"https://hooks{i}.example.test/hook").ToList();

        var responses = await Task.WhenAll(urls.Select(url => user.Http.PutAsJsonAsync("/api/me/webhook", new { url, secret = "sixteen-chars-ok" })));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Contains((await user.Http.GetFromJsonAsync<JsonObject>("/api/me/webhook"))!["url"]!.GetValue<string>(), urls);
    }

    [Theory]
    [InlineData("""{"until":"\ud83d"}""", "until")]
    [InlineData("""{"minutes":"ten"}""", "minutes")]
    [InlineData("""{"minutes":10081}""", "minutes")]
    [InlineData("""[]""", "body")]
    public async Task A_bad_snooze_is_a_400_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.PostAsync($"/api/notifications/{Guid.NewGuid()}/snooze", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Theory]
    [InlineData("""{"url":"ftp://example.test/hook","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"/relative","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"https://example.test/hook","secret":"short"}""", "secret")]
    [InlineData("""{"secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"https://example.test/hook","secret":"sixteen-chars\u0000ok"}""", "secret")]
    [InlineData("""{"url":"https://example.test/hook","secret":"sixteen-chars-\ud800"}""", "secret")]
    [InlineData("""{"url":"https://127.0.0.1/\u0000","secret":"sixteen-chars-ok"}""", "url")]
    // Server-side request forgery: the Api, the Workers, Postgres, Redis and the broker all listen on loopback here.
    [InlineData("""{"url":"http://127.0.0.1:8000/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://localhost:6379/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://[::1]:5432/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://2130706433/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://169.254.169.254/latest/meta-data/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"https://example.test/a\r\nX-Injected: 1","secret":"sixteen-chars-ok"}""", "url")]
    public async Task A_bad_webhook_is_a_400_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.PutAsync("/api/me/webhook", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    private static DateTimeOffset Instant(JsonNode? value) => DateTimeOffset.Parse(value!.GetValue<string>());

    private static async Task<int> CreateAsync(TaskFlowUser user, object body) =>
        (await user.CreateTaskAsync(body))["task_id"]!.GetValue<int>();

    private static async Task<JsonArray> NotificationsAsync(TaskFlowUser user, string query = "") =>
        (await user.Http.GetFromJsonAsync<JsonArray>("/api/notifications" + query))!;

    private static async Task<JsonArray> WaitForNotificationsAsync(TaskFlowUser user, int count, Func<JsonNode, bool>? matching = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? FireWait);
        JsonArray notifications = [];
        while (DateTime.UtcNow < deadline)
        {
            notifications = await NotificationsAsync(user);
            if (notifications.Count >= count && notifications.All(n => matching?.Invoke(n!) ?? true)) return notifications;
            await Task.Delay(250);
        }
        Assert.Fail($"expected {count} matching notifications, have: {notifications}");
        return notifications;
    }

    private List<BrokerMessage> ReadReminders(int taskId, TimeSpan readFor, int expected = 1) =>
        app.ReadTopic("reminders", json => json["data"]?["task_id"]?.GetValue<int>() == taskId, found => found.Count > expected, readFor);
}
