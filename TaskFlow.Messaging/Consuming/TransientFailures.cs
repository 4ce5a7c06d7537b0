using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace TaskFlow.Messaging.Consuming;

/// <summary>
/// Failures that say a dependency is unavailable (the database, Redis, the Api) rather than that an event is bad:
/// a consumer waits for the dependency and tries the same events again, however long that takes, instead of counting
/// attempts and parking good events on the dead-letter topic during an outage.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case DbException { IsTransient: true }:
                case RedisConnectionException or RedisTimeoutException:
                case SocketException or TimeoutException:
                // The standard resilience handler's verdicts: its total timeout, an open circuit.
                case Polly.ExecutionRejectedException:
                // No answer at all, or an answer that says "not now".
                case HttpRequestException { StatusCode: null or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout }:
                    return true;
            }
        }
        return false;
    }
}
