using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskFlow.AppHost;

/// <summary>
/// Healthy when the server answers PING with +PONG. A TCP connect is not enough: redis-server still loading its
/// append-only file accepts connections and answers -LOADING.
/// </summary>
public sealed class RedisPingHealthCheck(IResourceWithConnectionString redis) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var hostAndPort = RedisConnectionString.Host(await redis.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false) ?? "");
        var separator = hostAndPort.LastIndexOf(':');
        if (separator < 0 || !int.TryParse(hostAndPort[(separator + 1)..], out var port))
        {
            return HealthCheckResult.Unhealthy($"no host:port in {redis.Name}'s connection string yet");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(hostAndPort[..separator], port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);

            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            var reply = Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
            return reply == "+PONG"
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy(read == 0 ? "connection closed without a reply to PING" : $"PING answered {reply}");
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"PING to {hostAndPort} failed: {e.Message}");
        }
    }
}
