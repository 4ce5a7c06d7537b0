using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TaskFlow.Messaging.Webhooks;

/// <summary>
/// The one HTTP client that calls users' webhooks. It connects only to addresses <see cref="WebhookAddressPolicy"/>
/// allows, checked on the addresses DNS gives at connect time; it follows no redirect and uses no proxy (either would
/// connect somewhere unchecked); and it is none of the service's named clients, so service discovery never turns a
/// webhook's host into an internal service. What it reports back is written for the webhook's owner and says
/// nothing about the network it runs in.
/// </summary>
public sealed class WebhookClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public WebhookClient(WebhookAddressPolicy policy, TimeSpan timeout)
    {
        _timeout = timeout;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = _timeout,
            // A name's addresses can change: new connections look them up (and check them) again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <returns>null when the receiver accepted the request (2xx), else what went wrong, for the webhook's owner.</returns>
    public async Task<string?> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => $"The webhook answered {status} (a redirect); webhooks are not redirected: set the final URL.",
                _ => $"The webhook answered {status}.",
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"The webhook did not answer within {_timeout.TotalSeconds:0} seconds.";
        }
        catch (HttpRequestException exception)
        {
            return Describe(exception);
        }
    }

    private static string Describe(HttpRequestException exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case RefusedAddressException:
                    return "The webhook's host leads only to private, loopback or reserved addresses; webhooks may only reach public addresses.";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return "The webhook's host name could not be resolved.";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "The webhook's server refused the connection.";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return "The webhook's server could not be reached in time.";
                case AuthenticationException:
                    return "The TLS handshake with the webhook failed (is its certificate valid and trusted?).";
            }
        }
        return exception.HttpRequestError == HttpRequestError.ResponseEnded || exception.HttpRequestError == HttpRequestError.InvalidResponse
            ? "The webhook's server did not send a valid HTTP response."
            : "The webhook could not be reached.";
    }

    /// <summary>Resolves the host and connects to the first allowed address that answers; never to another.</summary>
    private static async ValueTask<Stream> ConnectAsync(WebhookAddressPolicy policy, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        var allowed = addresses.Where(policy.MayConnectTo).ToArray();
        if (allowed.Length == 0) throw new RefusedAddressException();

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed class RefusedAddressException() : Exception("The webhook's host has no address webhooks may reach.");
}
