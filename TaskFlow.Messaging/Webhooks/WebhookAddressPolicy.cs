using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace TaskFlow.Messaging.Webhooks;

/// <summary>
/// Which addresses a user's webhook may reach: public ones only, so a webhook is never a way into the network the
/// services run in (their databases, each other, a cloud's metadata service). The Api checks a URL when it is set;
/// the Workers check every address they actually connect to (after DNS), which is what counts: a name can resolve
/// elsewhere later. Development setups can allow private networks explicitly (<see cref="AllowedPrivateNetworksKey"/>).
/// </summary>
public sealed class WebhookAddressPolicy
{
    /// <summary>Comma-separated CIDR ranges webhooks may reach although they are not public, e.g. <c>127.0.0.0/8</c>.</summary>
    public const string AllowedPrivateNetworksKey = "Notifications:Webhooks:AllowedPrivateNetworks";

    public const int MaxUrlLength = 2048;

    /// <summary>The IANA special-purpose ranges (RFC 6890 and successors): none of them is a public internet host.</summary>
    private static readonly IPNetwork[] NotPublic =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
            // IPv4-compatible (incl. :: and ::1), NAT64 and discard prefixes, IETF assignments (incl. Teredo),
            // documentation, 6to4, unique-local, link-local, site-local, multicast.
            "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7",
            "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];

    private readonly IPNetwork[] _allowedPrivate;

    public WebhookAddressPolicy(IEnumerable<IPNetwork> allowedPrivateNetworks) => _allowedPrivate = [.. allowedPrivateNetworks];

    /// <summary>The policy <see cref="AllowedPrivateNetworksKey"/> describes; a range that does not parse stops the service.</summary>
    public static WebhookAddressPolicy FromConfiguration(IConfiguration configuration)
    {
        var ranges = (configuration[AllowedPrivateNetworksKey] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new WebhookAddressPolicy(ranges.Select(range => IPNetwork.TryParse(range, out var network)
            ? network
            : throw new InvalidOperationException($"{AllowedPrivateNetworksKey}: '{range}' is not a CIDR range such as 127.0.0.0/8.")));
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && !NotPublic.Any(range => range.BaseAddress.AddressFamily == address.AddressFamily && range.Contains(address));
    }

    public bool MayConnectTo(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return IsPublic(address)
            || _allowedPrivate.Any(range => range.BaseAddress.AddressFamily == address.AddressFamily && range.Contains(address));
    }

    /// <summary>
    /// Checks a URL a user gives as their webhook: its form, an address written in it, a name that always means this
    /// machine, and what its host name resolves to now (a name that does not resolve yet is accepted: the Workers
    /// check again on every delivery). Returns the parsed URL, or null and what is wrong with it.
    /// </summary>
    public async Task<(Uri? Url, string? Problem)> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (url.Any(char.IsControl))
            return (null, "The url must not contain control characters (such as CR, LF or NUL).");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            return (null, "The url must be an absolute http or https URL.");
        if (parsed.AbsoluteUri.Length > MaxUrlLength)
            return (null, $"The url must be at most {MaxUrlLength} characters long.");
        if (!string.IsNullOrEmpty(parsed.UserInfo))
            return (null, "The url must not contain credentials (user:password@); the secret signs each delivery.");
        var addresses = await AddressesAsync(parsed, cancellationToken);
        return addresses.Length > 0 && !addresses.Any(MayConnectTo)
            ? (null, "The url leads to a private, loopback or reserved address; webhooks may only reach public addresses.")
            : (parsed, null);
    }

    /// <summary>
    /// What the URL's host stands for: an IP literal, localhost (RFC 6761: always this machine), or what DNS answers
    /// within a second (nothing when it does not).
    /// </summary>
    private static async Task<IPAddress[]> AddressesAsync(Uri url, CancellationToken cancellationToken)
    {
        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
            return [IPAddress.Parse(url.Host.Trim('[', ']'))];
        var host = url.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            return await Dns.GetHostAddressesAsync(host, timeout.Token);
        }
        catch (Exception exception) when (exception is SocketException or ArgumentException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return [];
        }
    }
}
