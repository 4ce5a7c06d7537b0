using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>Accounts: only what TaskFlow supports is mapped, bad input is a 400 naming the field, refresh tokens rotate.</summary>
public sealed class AccountTests(TaskFlowServices app)
{
    [Theory]
    [InlineData("/api/auth/login", """{"email":"someone@example.test","password":null}""", "password")]
    [InlineData("/api/auth/login", """{"email":null,"password":"Correct-Horse-9"}""", "email")]
    [InlineData("/api/auth/login", """{"email":["a"],"password":"Correct-Horse-9"}""", "email")]
    [InlineData("/api/auth/login", """{"email":"a\ud800@example.test","password":"Correct-Horse-9"}""", "email")]
    [InlineData("/api/auth/login", """[]""", "body")]
    [InlineData("/api/auth/register", """{"email":null,"password":null}""", "email")]
    [InlineData("/api/auth/register", """{"email":"someone@example.test"}""", "password")]
    [InlineData("/api/auth/register", """{"email":"not-an-address","password":"Correct-Horse-9"}""", "email")]
    [InlineData("/api/auth/register", """{"email":"someone@example.test","password":"short"}""", "password")]
    [InlineData("/api/auth/register", """{"email":"someone@example.test","password":"pass\u0000word-Long-9"}""", "password")]
    [InlineData("/api/auth/refresh", """{"refresh_token":null}""", "refresh_token")]
    [InlineData("/api/auth/refresh", """not json""", "body")]
    [InlineData("/api/auth/refresh", """{"refresh_token":"\ud800"}""", "refresh_token")]
    public async Task A_bad_account_request_is_a_400_naming_the_field(string path, string body, string field)
    {
        var response = await app.CreateApiClient().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
        Assert.NotNull(JsonNode.Parse(text)!["errors"]![field]);
    }

    [Fact]
    public async Task An_email_longer_than_an_account_can_hold_is_a_400()
    {
        var email = new string('a', 1000) + "@example.test";

        var response = await app.CreateApiClient().PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-9" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 256", await response.Content.ReadAsStringAsync());
    }

    /// <summary>TaskFlow sends no e-mail and has no second factor: what needs them is not offered.</summary>
    [Theory]
    [InlineData("/api/auth/forgotPassword")]
    [InlineData("/api/auth/resetPassword")]
    [InlineData("/api/auth/resendConfirmationEmail")]
    [InlineData("/api/auth/manage/2fa")]
    [InlineData("/api/auth/manage/info")]
    public async Task Account_features_taskflow_does_not_have_are_not_mapped(string path)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.PostAsJsonAsync(path, new { email = user.Email });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync("/api/auth/confirmEmail?userId=x&code=y")).StatusCode);
    }

    [Fact]
    public async Task The_same_address_registered_eight_times_at_once_makes_one_account_and_seven_400s()
    {
        var email = $"race-{Guid.NewGuid():N}@example.test";
        var client = app.CreateApiClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-9" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_reusing_it_revokes_its_sign_in()
    {
        var user = await app.SignUpAsync();
        var client = app.CreateApiClient();
        var first = await LoginAsync(client, user);

        var second = await RefreshAsync(client, first["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var rotated = (await second.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotEqual(first["refresh_token"]!.GetValue<string>(), rotated["refresh_token"]!.GetValue<string>());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", rotated["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/tasks")).StatusCode);

        // The first token again: someone copied it. Its whole sign-in ends, the rotated token included.
        var reused = await RefreshAsync(client, first["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Contains("already used", await reused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, rotated["refresh_token"]!.GetValue<string>())).StatusCode);

        // Another sign-in of the same user is a family of its own and unaffected.
        var other = await LoginAsync(client, user);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, other["refresh_token"]!.GetValue<string>())).StatusCode);
    }

    [Fact]
    public async Task A_refresh_token_that_is_not_one_is_a_401()
    {
        var response = await RefreshAsync(app.CreateApiClient(), "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task One_users_bearer_token_with_another_users_updates_cookie_is_a_401()
    {
        var alice = await app.SignUpAsync();
        var bob = await app.SignUpAsync();
        var session = await alice.Http.PostAsync("/api/updates/session", null);
        var aliceCookie = Assert.Single(session.Headers.GetValues("Set-Cookie")).Split(';')[0];

        using var mixed = new HttpRequestMessage(HttpMethod.Get, "/api/updates");
        mixed.Headers.Authorization = bob.Http.DefaultRequestHeaders.Authorization;
        mixed.Headers.Add("Cookie", aliceCookie);
        using var response = await app.CreateApiClient().SendAsync(mixed, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<JsonObject> LoginAsync(HttpClient client, TaskFlowUser user)
    {
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refreshToken });
}
