using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Clients;

/// <summary>A signed-in user of the API, as a client program would be.</summary>
public sealed class TaskFlowUser(HttpClient http, string email, string password)
{
    public HttpClient Http => http;
    public string Email => email;
    public string Password => password;

    public async Task RegisterAndLoginAsync()
    {
        var register = await http.PostAsJsonAsync("/api/auth/register", new { email, password });
        Assert.True(register.IsSuccessStatusCode, $"register: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}");

        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.True(login.IsSuccessStatusCode, $"login: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        var body = await login.Content.ReadFromJsonAsync<JsonObject>();
        var token = (body?["access_token"] ?? body?["accessToken"])?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(token), $"login answered without an access token: {body}");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<JsonObject> CreateTaskAsync(object body)
    {
        var response = await http.PostAsJsonAsync("/api/tasks", body);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created,
            $"create: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>This user's id (GET /api/me).</summary>
    public async Task<string> UserIdAsync() =>
        (await http.GetFromJsonAsync<JsonObject>("/api/me"))!["user_id"]!.GetValue<string>();

    /// <summary>Creates a list this user owns; its id.</summary>
    public async Task<int> CreateListAsync(string name)
    {
        var response = await http.PostAsJsonAsync("/api/lists", new { name });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"create list: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["list_id"]!.GetValue<int>();
    }

    /// <summary>Invites <paramref name="email"/> to a list of this user's; the invitation's id.</summary>
    public async Task<Guid> InviteAsync(int listId, string email, string role)
    {
        var response = await http.PostAsJsonAsync($"/api/lists/{listId}/invitations", new { email, role });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"invite: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["invitation_id"]!.GetValue<Guid>();
    }

    /// <summary>Shares a new list of this user's with <paramref name="member"/> in <paramref name="role"/> (invited, accepted); the list's id.</summary>
    public async Task<int> ShareListAsync(string name, TaskFlowUser member, string role)
    {
        var listId = await CreateListAsync(name);
        var invitationId = await InviteAsync(listId, member.Email, role);
        var accepted = await member.Http.PostAsync($"/api/invitations/{invitationId}/accept", null);
        Assert.True(accepted.IsSuccessStatusCode, $"accept: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        return listId;
    }

    public Task<HttpResponseMessage> PatchAsync(string path, string json) =>
        http.PatchAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostRawAsync(string path, string content, string mediaType = "application/json") =>
        http.PostAsync(path, new StringContent(content, System.Text.Encoding.UTF8, mediaType));

    /// <summary>Polls the history until it has <paramref name="count"/> entries (the audit is eventually consistent).</summary>
    public async Task<JsonArray> WaitForHistoryAsync(int taskId, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonArray history = [];
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync($"/api/tasks/{taskId}/history");
            if (response.IsSuccessStatusCode)
            {
                history = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
                if (history.Count >= count) return history;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"History of task {taskId} has {history.Count} entries after {timeout}, expected {count}: {history}");
        return history;
    }

    /// <summary>Sends one chat message (a new conversation when <paramref name="conversationId"/> is null).</summary>
    public async Task<JsonObject> ChatAsync(string? conversationId, string message)
    {
        var response = await http.PostAsJsonAsync("/api/chat", new { conversation_id = conversationId, message });
        Assert.True(response.IsSuccessStatusCode, $"chat: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Creates a task and returns its id.</summary>
    public async Task<int> CreateTaskIdAsync(object body) => (await CreateTaskAsync(body))["task_id"]!.GetValue<int>();

    /// <summary>The user's notifications now (<paramref name="query"/> e.g. <c>?unread=true</c>).</summary>
    public async Task<JsonArray> NotificationsAsync(string query = "") =>
        (await http.GetFromJsonAsync<JsonArray>("/api/notifications" + query))!;

    /// <summary>Polls until the user has <paramref name="count"/> notifications, all <paramref name="matching"/>.</summary>
    public async Task<JsonArray> WaitForNotificationsAsync(int count, Func<JsonNode, bool>? matching = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(25));
        JsonArray notifications = [];
        while (DateTime.UtcNow < deadline)
        {
            notifications = await NotificationsAsync();
            if (notifications.Count >= count && notifications.All(n => matching?.Invoke(n!) ?? true)) return notifications;
            await Task.Delay(250);
        }
        Assert.Fail($"expected {count} matching notifications, have: {notifications}");
        return notifications;
    }
}
