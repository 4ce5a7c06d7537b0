using System.Net;
using Microsoft.Extensions.Configuration;
using TaskFlow.Messaging.Webhooks;

namespace TaskFlow.IntegrationTests.Webhooks;

/// <summary>A webhook only ever reaches public addresses, checked when it is set and on every connection.</summary>
public sealed class WebhookAddressTests
{
    private static readonly WebhookAddressPolicy PublicOnly = new([]);

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("1.1.1.1", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.255.255.254", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2002:7f00:1::", false)]
    public void Only_public_addresses_are_public(string address, bool expected) =>
        Assert.Equal(expected, WebhookAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void A_private_range_is_reachable_only_when_the_setting_allows_it()
    {
        var allowing = new WebhookAddressPolicy([IPNetwork.Parse("127.0.0.2/32"), IPNetwork.Parse("fd00::/8")]);

        Assert.True(allowing.MayConnectTo(IPAddress.Parse("127.0.0.2")));
        Assert.True(allowing.MayConnectTo(IPAddress.Parse("::ffff:127.0.0.2")));
        Assert.True(allowing.MayConnectTo(IPAddress.Parse("fd12::1")));
        Assert.False(allowing.MayConnectTo(IPAddress.Parse("127.0.0.1")));
        Assert.False(PublicOnly.MayConnectTo(IPAddress.Parse("127.0.0.2")));
        Assert.True(PublicOnly.MayConnectTo(IPAddress.Parse("8.8.8.8")));
    }

    [Fact]
    public void A_setting_that_is_not_a_cidr_range_stops_the_service()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [WebhookAddressPolicy.AllowedPrivateNetworksKey] = "127.0.0.0/8, ten-dot" }).Build();

        var exception = Assert.Throws<InvalidOperationException>(() => { WebhookAddressPolicy.FromConfiguration(configuration); });
        Assert.Contains("ten-dot", exception.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000/")]
    [InlineData("http://[::1]:8000/")]
    [InlineData("http://localhost:8000/")]
    [InlineData("http://LOCALHOST./")]
    [InlineData("http://api.localhost/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://0/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[fe80::1%25eth0]/")]
    public async Task A_url_written_with_a_private_address_is_refused(string url)
    {
        var (parsed, problem) = await PublicOnly.CheckAsync(url, CancellationToken.None);

        Assert.Null(parsed);
        Assert.Contains("public addresses", problem);
    }

    [Theory]
    [InlineData("https://hooks.example.test/a\r\nX-Injected: 1", "control characters")]
    [InlineData("https://hooks.example.test/\u0000", "control characters")]
    [InlineData("ftp://hooks.example.test/", "http or https")]
    [InlineData("/relative", "http or https")]
    [InlineData("https://user:secret@hooks.example.test/", "credentials")]
    public async Task A_malformed_url_is_refused_saying_why(string url, string expected)
    {
        var (parsed, problem) = await PublicOnly.CheckAsync(url, CancellationToken.None);

        Assert.Null(parsed);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public async Task A_public_url_or_a_name_that_does_not_resolve_yet_is_accepted()
    {
        Assert.NotNull((await PublicOnly.CheckAsync("https://8.8.8.8/hook", CancellationToken.None)).Url);
        // Checked again on every delivery, on the addresses the name has then.
        Assert.NotNull((await PublicOnly.CheckAsync("https://hooks.example.invalid/hook", CancellationToken.None)).Url);
    }

    /// <summary>
    /// The connect-time check is what holds when a name resolves elsewhere after it was set: the client never opens a
    /// connection to a private address (the receiver here sees nothing) and says so without naming the address.
    /// </summary>
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task The_client_never_connects_to_a_private_address(string host)
    {
        await using var receiver = await WebhookReceiver.StartAsync(HttpStatusCode.OK, "127.0.0.1");
        using var client = new WebhookClient(PublicOnly, TimeSpan.FromSeconds(5));

        var error = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"http://{host}:{receiver.Port}/hook"), CancellationToken.None);

        Assert.Empty(receiver.Requests);
        Assert.NotNull(error);
        Assert.Contains("public addresses", error);
        Assert.DoesNotContain(receiver.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error);
    }

    [Fact]
    public async Task The_client_follows_no_redirect()
    {
        await using var inside = await WebhookReceiver.StartAsync(HttpStatusCode.OK, "127.0.0.1");
        await using var redirecting = await WebhookReceiver.StartAsync(HttpStatusCode.Redirect, "127.0.0.2", location: $"http://127.0.0.1:{inside.Port}/hook");
        using var client = new WebhookClient(new WebhookAddressPolicy([IPNetwork.Parse("127.0.0.2/32")]), TimeSpan.FromSeconds(5));

        var error = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.2:{redirecting.Port}/hook"), CancellationToken.None);

        Assert.Single(redirecting.Requests);
        Assert.Empty(inside.Requests);
        Assert.Equal("The webhook answered 302 (a redirect); webhooks are not redirected: set the final URL.", error);
    }

    [Fact]
    public async Task Errors_tell_the_owner_what_to_fix_without_describing_the_network()
    {
        using var client = new WebhookClient(new WebhookAddressPolicy([IPNetwork.Parse("127.0.0.2/32")]), TimeSpan.FromSeconds(5));

        // Nothing listens on port 1.
        var refused = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.2:1/hook"), CancellationToken.None);
        var unresolved = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://hooks.example.invalid/hook"), CancellationToken.None);

        Assert.Equal("The webhook's server refused the connection.", refused);
        Assert.Equal("The webhook's host name could not be resolved.", unresolved);
    }
}
