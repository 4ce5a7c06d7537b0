using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TaskFlow.IntegrationTests.Webhooks;

using static TaskFlow.IntegrationTests.Clients.Instants;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>Notifications reach the user's webhook signed, failures are retried with backoff and reported without network details.</summary>
public sealed class WebhookDeliveryTests(TaskFlowServices app)
{
    [Fact]
    public async Task A_webhook_receives_each_notification_signed_with_the_users_secret()
    {
        await using var receiver = await WebhookReceiver.StartAsync(HttpStatusCode.NoContent);
        var user = await app.SignUpAsync();
        const string secret = "a-long-enough-webhook-secret";
        var put = await user.Http.PutAsJsonAsync("/api/me/webhook", new { url = receiver.Url, secret });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var taskId = await user.CreateTaskIdAsync(new { title = "Ping me", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(2)) });

        var delivered = await user.WaitForNotificationsAsync(1, n => n["delivery_status"]!.GetValue<string>() == "delivered");

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
        await user.CreateTaskIdAsync(new { title = "Unlucky", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(2)) });

        var failed = await user.WaitForNotificationsAsync(1, n => n["delivery_status"]!.GetValue<string>() == "failed", TimeSpan.FromSeconds(40));

        Assert.Equal(4, failed[0]!["attempts"]!.GetValue<int>());
        Assert.Contains("500", failed[0]!["last_error"]!.GetValue<string>());
        Assert.Equal(4, receiver.Requests.Count);
        var gaps = receiver.Requests.Zip(receiver.Requests.Skip(1), (a, b) => b.ReceivedAt - a.ReceivedAt).ToList();
        // Retry n waits at least the doubled delay after the answer to the attempt before it (1 s, 2 s, 4 s): never
        // sooner. A busy machine can only make a wait longer, so this holds however loaded the run is.
        var firstDelay = new TaskFlow.Workers.Notifications.WebhookOptions().FirstRetryDelay;
        for (var retry = 1; retry <= gaps.Count; retry++)
        {
            var backoff = TaskFlow.Messaging.RetryDelay.Doubling(firstDelay, retry);
            Assert.True(gaps[retry - 1] >= backoff, $"retry {retry} came {gaps[retry - 1]} after the attempt before it, sooner than its backoff of {backoff} (waits: {string.Join(", ", gaps)})");
        }
    }

    [Fact]
    public async Task A_failed_delivery_says_what_the_owner_can_fix_and_nothing_about_the_network()
    {
        var user = await app.SignUpAsync();
        // Accepted when set (the name may not resolve yet); every delivery resolves and checks it again.
        var put = await user.Http.PutAsJsonAsync("/api/me/webhook", new { url = "http://hooks.example.invalid/hook", secret = "sixteen-chars-ok" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await user.CreateTaskIdAsync(new { title = "Nowhere", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(1)) });

        var notifications = await user.WaitForNotificationsAsync(1, n => n["attempts"]!.GetValue<int>() >= 1);

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
}
